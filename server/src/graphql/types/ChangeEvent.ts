import { Field, ID, Int, ObjectType } from 'type-graphql';
import type { FeedItem } from '../../feed/changeFeed.js';
import { DateTimeScalar } from '../scalars.js';
import { ChangeKind } from './enums.js';

@ObjectType('ChangeEvent', {
  description:
    'One state change of a declaration, written in the same transaction as the change itself: the feed of `changeLog` and the `changes` subscription. Which ids are set depends on `kind`.',
})
export class ChangeEventType {
  @Field(() => Int, { description: 'Per declaration: 1, 2, 3, ... with no gaps.' })
  seq!: number;

  @Field(() => ChangeKind, { description: 'What changed.' })
  kind!: ChangeKind;

  @Field(() => DateTimeScalar, { description: 'When the change was made (the time of the transaction that made it).' })
  at!: Date;

  @Field(() => ID, { nullable: true, description: 'The paragraph it concerns, for paragraph, comment and amendment events; null otherwise.' })
  paragraphId!: string | null;

  @Field(() => ID, { nullable: true, description: 'The comment (for resolve/reopen: the thread) of COMMENT_* events; null otherwise.' })
  commentId!: string | null;

  @Field(() => ID, { nullable: true, description: 'The amendment of AMENDMENT_* events; null otherwise.' })
  amendmentId!: string | null;

  @Field(() => ID, { nullable: true, description: 'The revision of REVISION_PUBLISHED; null otherwise.' })
  revisionId!: string | null;

  @Field(() => String, { nullable: true, description: 'PARAGRAPH_EDITED / PARAGRAPH_ADDED: the paragraph text after the change.' })
  text!: string | null;

  @Field(() => String, { description: 'One human-readable line.' })
  summary!: string;

  actorId!: string | null;
  declarationId!: string;

  static from(e: FeedItem): ChangeEventType {
    return Object.assign(new ChangeEventType(), e);
  }
}
