import { Arg, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import { readEventsAfter } from '../../feed/changeFeed.js';
import { declarationOf } from '../../drafting/lookup.js';
import { badInput } from '../../errors.js';
import type { Context } from '../context.js';
import { ChangeEventType } from '../types/ChangeEvent.js';
import { ParticipantType } from '../types/Participant.js';
import { readerOf } from './access.js';

export const CHANGE_LOG_PAGE_MAX = 1000;

@Resolver(() => ChangeEventType)
export class ChangeLogResolver {
  @Query(() => [ChangeEventType], { description: 'seq > after, ascending; first up to 1000.' })
  async changeLog(
    @Arg('declarationId', () => ID) declarationId: string,
    @Arg('after', () => Int, { nullable: true, defaultValue: 0 }) after: number | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 100 }) first: number | null,
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

  @FieldResolver(() => ParticipantType, { nullable: true })
  async actor(@Root() e: ChangeEventType, @Ctx() ctx: Context): Promise<ParticipantType | null> {
    if (!e.actorId) return null;
    const participant = await ctx.loaders.participant.load(e.actorId);
    return participant ? ParticipantType.from(participant) : null;
  }
}
