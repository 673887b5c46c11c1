import { Field, ID, Int, ObjectType } from 'type-graphql';
import type { ChangeEvent } from '../../db/entities/index.js';
import { DateTimeScalar } from '../scalars.js';
import { ChangeKind } from './enums.js';

@ObjectType('ChangeEvent')
export class ChangeEventType {
  @Field(() => Int, { description: 'Per declaration: 1, 2, 3, ... with no gaps.' })
  seq!: number;

  @Field(() => ChangeKind)
  kind!: ChangeKind;

  @Field(() => DateTimeScalar)
  at!: Date;

  @Field(() => ID, { nullable: true })
  paragraphId!: string | null;

  @Field(() => ID, { nullable: true })
  commentId!: string | null;

  @Field(() => ID, { nullable: true })
  amendmentId!: string | null;

  @Field(() => ID, { nullable: true })
  revisionId!: string | null;

  @Field(() => String, { nullable: true, description: 'PARAGRAPH_EDITED / PARAGRAPH_ADDED: the paragraph text after the change.' })
  text!: string | null;

  @Field(() => String, { description: 'One human-readable line.' })
  summary!: string;

  actorId!: string | null;
  declarationId!: string;

  static from(e: ChangeEvent): ChangeEventType {
    return Object.assign(new ChangeEventType(), {
      seq: e.seq,
      kind: e.kind,
      at: e.at,
      paragraphId: e.paragraphId,
      commentId: e.commentId,
      amendmentId: e.amendmentId,
      revisionId: e.revisionId,
      text: e.text,
      summary: e.summary,
      actorId: e.actor?.id ?? null,
      declarationId: e.declaration.id,
    });
  }
}
