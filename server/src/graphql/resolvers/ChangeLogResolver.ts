import { Arg, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import { readEventsAfter } from '../../feed/changeFeed.js';
import { declarationOf } from '../../drafting/lookup.js';
import { badInput } from '../../errors.js';
import type { Context } from '../context.js';
import { ID_ARG } from '../descriptions.js';
import { ChangeEventType } from '../types/ChangeEvent.js';
import { ParticipantType } from '../types/Participant.js';
import { readerOf } from './access.js';

export const CHANGE_LOG_PAGE_MAX = 1000;

@Resolver(() => ChangeEventType)
export class ChangeLogResolver {
  @Query(() => [ChangeEventType], {
    description:
      "A page of the declaration's change feed, for any role of it: the events with seq > after, ascending, at most `first`. Page on with after = the last seq read; an empty page means none after it yet.",
  })
  async changeLog(
    @Arg('declarationId', () => ID, { description: ID_ARG.declaration }) declarationId: string,
    @Arg('after', () => Int, { nullable: true, defaultValue: 0, description: 'Only events after this seq; >= 0 (BAD_USER_INPUT otherwise).' })
    after: number | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 100, description: 'At most this many events: 1..1000 (BAD_USER_INPUT otherwise).' })
    first: number | null,
    @Ctx() ctx: Context,
  ): Promise<ChangeEventType[]> {
    readerOf(ctx, declarationId);
    await declarationOf(ctx.em, 'declaration', declarationId);
    const from = after ?? 0;
    const count = first ?? 100;
    if (from < 0) throw badInput(`after must be >= 0, got ${from}`, { field: 'after' });
    if (count < 1 || count > CHANGE_LOG_PAGE_MAX) {
      throw badInput(`first must be between 1 and ${CHANGE_LOG_PAGE_MAX}, got ${count}`, { field: 'first' });
    }
    return (await readEventsAfter(ctx.em, declarationId, from, count)).map(ChangeEventType.from);
  }

  @FieldResolver(() => ParticipantType, {
    nullable: true,
    description: 'Who made the change; null when the server did by itself (adoption once the silence deadline passed).',
  })
  async actor(@Root() e: ChangeEventType, @Ctx() ctx: Context): Promise<ParticipantType | null> {
    if (!e.actorId) return null;
    const participant = await ctx.loaders.participant.load(e.actorId);
    return participant ? ParticipantType.from(participant) : null;
  }
}
