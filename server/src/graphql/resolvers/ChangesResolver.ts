import { Arg, ID, Int, Resolver, Root, Subscription } from 'type-graphql';
import { badInput } from '../../errors.js';
import { mapAsync } from '../../feed/pushIterator.js';
import { sharedEvent } from '../sharedExecution.js';
import { ChangeEventType } from '../types/ChangeEvent.js';
import { ID_ARG } from '../descriptions.js';
import { subscriberOf } from './access.js';

@Resolver()
export class ChangesResolver {
  @Subscription(() => ChangeEventType, {
    description:
      "The declaration's change feed, for any role of it: every event with seq > after, then live ones as they are committed; gapless and in order, so a client that reconnects with after = the last seq it read misses nothing.",
    subscribe: async ({ args, context }) => {
      const { ctx, declarationId } = await subscriberOf(context, args);
      const after = (args.after as number | null) ?? 0;
      if (after < 0) throw badInput(`after must be >= 0, got ${after}`, { field: 'after' });
      const follower = await ctx.services.feed.follow(ctx.em, declarationId, after);
      return mapAsync(follower, (item) => sharedEvent(item, ChangeEventType.from));
    },
  })
  changes(
    @Root() event: ChangeEventType,
    @Arg('declarationId', () => ID, { description: ID_ARG.declaration }) _declarationId: string,
    @Arg('after', () => Int, { nullable: true, defaultValue: 0, description: 'Replay from the event after this seq; 0: from the first. >= 0 (BAD_USER_INPUT otherwise).' })
    _after: number | null,
  ): ChangeEventType {
    return event;
  }
}
