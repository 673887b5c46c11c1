import { Field, ID, Int, ObjectType } from 'type-graphql';
import type { StoredAnchor } from '../../collab/anchors.js';
import type { Comment } from '../../db/entities/index.js';
import { storedAnchor } from '../../drafting/anchoring.js';
import { DateTimeScalar } from '../scalars.js';

@ObjectType('TextAnchor')
export class TextAnchorType {
  @Field(() => Int, { nullable: true, description: 'Current offset in the paragraph text (UTF-16 code units); null when orphaned.' })
  start!: number | null;

  @Field(() => Int, { nullable: true })
  end!: number | null;

  @Field(() => String, { description: 'The text that was selected when the anchor was made.' })
  quote!: string;

  @Field(() => Boolean, { description: 'The anchored text has been deleted entirely.' })
  orphaned!: boolean;
}

@ObjectType('Comment')
export class CommentType {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  body!: string;

  @Field(() => Boolean)
  resolved!: boolean;

  @Field(() => DateTimeScalar)
  createdAt!: Date;

  @Field(() => DateTimeScalar, { nullable: true })
  editedAt!: Date | null;

  declarationId!: string;
  paragraphId!: string;
  authorId!: string;
  replyToId!: string | null;
  storedAnchor!: StoredAnchor | null;

  static from(c: Comment): CommentType {
    return Object.assign(new CommentType(), {
      id: c.id,
      body: c.body,
      resolved: c.resolved,
      createdAt: c.createdAt,
      editedAt: c.editedAt,
      declarationId: c.declaration.id,
      paragraphId: c.paragraph.id,
      authorId: c.author.id,
      replyToId: c.replyTo?.id ?? null,
      storedAnchor: storedAnchor(c),
    });
  }
}
