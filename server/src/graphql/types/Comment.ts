import { Field, ID, Int, ObjectType } from 'type-graphql';
import type { StoredAnchor } from '../../collab/anchors.js';
import type { Comment } from '../../db/entities/index.js';
import { storedAnchor } from '../../drafting/anchoring.js';
import { CREATED_AT } from '../descriptions.js';
import { DateTimeScalar } from '../scalars.js';

@ObjectType('TextAnchor', {
  description:
    'A range of a paragraph\'s text that a comment or amendment is about. Stored as Yjs relative positions, so it follows the text through everyone\'s edits; once the whole range is deleted it is orphaned.',
})
export class TextAnchorType {
  @Field(() => Int, {
    nullable: true,
    description: "Where the range starts now, as an offset into the paragraph's current text in UTF-16 code units (as JS strings count); null when orphaned.",
  })
  start!: number | null;

  @Field(() => Int, { nullable: true, description: 'Where the range ends now (exclusive), in the same units as start; null when orphaned.' })
  end!: number | null;

  @Field(() => String, { description: 'The text that was selected when the anchor was made.' })
  quote!: string;

  @Field(() => Boolean, { description: 'The anchored text has been deleted entirely.' })
  orphaned!: boolean;
}

@ObjectType('Comment', {
  description:
    'A comment on a paragraph (or a range of it), or a reply in its thread. Written by any role but OBSERVER; readable by every participant of the declaration.',
})
export class CommentType {
  @Field(() => ID, { description: "The comment's id." })
  id!: string;

  @Field(() => String, { description: 'What it says (trimmed; at most DRAFTROOM_MAX_COMMENT_CHARS characters, 20,000 by default).' })
  body!: string;

  @Field(() => Boolean, {
    description: 'Whether this thread is resolved. Only a top-level comment carries it: resolving or reopening a reply acts on its thread, and a reply stays false.',
  })
  resolved!: boolean;

  @Field(() => DateTimeScalar, { description: CREATED_AT })
  createdAt!: Date;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When its author last edited it; null if never.' })
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
