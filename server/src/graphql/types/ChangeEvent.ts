import { Field, ID, Int, ObjectType } from 'type-graphql';
import type { FeedItem } from '../../feed/changeFeed.js';
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

  static from(e: FeedItem): ChangeEventType {
    return Object.assign(new ChangeEventType(), e);
  }
}
