import { Ctx, Query, Resolver } from 'type-graphql';
import { requireViewer } from '../../auth/policy.js';
import type { Context } from '../context.js';
import { ParticipantType } from '../types/Participant.js';

@Resolver()
export class ViewerResolver {
  @Query(() => ParticipantType, { description: 'The participant the token belongs to, for any role: who am I, and what may I do (role).' })
  viewer(@Ctx() ctx: Context): ParticipantType {
    const viewer = requireViewer(ctx.viewer);
    return ParticipantType.from(viewer);
  }
}
