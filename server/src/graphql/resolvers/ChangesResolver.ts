import { Arg, ID, Int, Resolver, Root, Subscription } from 'type-graphql';
import { badInput } from '../../errors.js';
import { mapAsync } from '../../feed/pushIterator.js';
import { sharedEvent } from '../sharedExecution.js';
import { ChangeEventType } from '../types/ChangeEvent.js';
import { subscriberOf } from './access.js';

@Resolver()
export class ChangesResolver {
  @Subscription(() => ChangeEventType, {
    description: 'Replays every event with seq > after, then streams live ones: gapless, in order.',
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
    @Arg('declarationId', () => ID) _declarationId: string,
    @Arg('after', () => Int, { nullable: true, defaultValue: 0 }) _after: number | null,
  ): ChangeEventType {
    return event;
  }
}
