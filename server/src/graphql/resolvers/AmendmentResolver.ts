import { Arg, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import { resolveAnchor } from '../../collab/anchors.js';
import { AmendmentStatus, Stance } from '../../db/entities/index.js';
import {
  acceptAmendment,
  proposeAmendment,
  rejectAmendment,
  takePosition,
  withdrawAmendment,
} from '../../drafting/amendments.js';
import type { Context } from '../context.js';
import { AmendmentType } from '../types/Amendment.js';
import { TextAnchorType } from '../types/Comment.js';
import { ProposeAmendmentInput } from '../types/inputs.js';
import { ParagraphType } from '../types/Paragraph.js';
import { ParticipantType } from '../types/Participant.js';
import { command } from './access.js';

@Resolver(() => AmendmentType)
export class AmendmentResolver {
  @Mutation(() => AmendmentType, { description: 'DELEGATION, while DRAFTING.' })
  async proposeAmendment(
    @Arg('paragraphId', () => ID) paragraphId: string,
    @Arg('input', () => ProposeAmendmentInput) input: ProposeAmendmentInput,
    @Ctx() ctx: Context,
  ): Promise<AmendmentType> {
    return AmendmentType.from(await command(ctx, (c) => proposeAmendment(c, { paragraphId, ...input })));
  }

  @Mutation(() => AmendmentType)
  async supportAmendment(@Arg('amendmentId', () => ID) amendmentId: string, @Ctx() ctx: Context): Promise<AmendmentType> {
    return AmendmentType.from(await command(ctx, (c) => takePosition(c, amendmentId, Stance.SUPPORT)));
  }

  @Mutation(() => AmendmentType)
  async opposeAmendment(@Arg('amendmentId', () => ID) amendmentId: string, @Ctx() ctx: Context): Promise<AmendmentType> {
    return AmendmentType.from(await command(ctx, (c) => takePosition(c, amendmentId, Stance.OPPOSE)));
  }

  @Mutation(() => AmendmentType, { description: 'Proposer only.' })
  async withdrawAmendment(@Arg('amendmentId', () => ID) amendmentId: string, @Ctx() ctx: Context): Promise<AmendmentType> {
    return AmendmentType.from(await command(ctx, (c) => withdrawAmendment(c, amendmentId)));
  }

  @Mutation(() => AmendmentType, { description: 'CO_FACILITATOR: replaces the anchored range (or the whole paragraph) in the text.' })
  async acceptAmendment(@Arg('amendmentId', () => ID) amendmentId: string, @Ctx() ctx: Context): Promise<AmendmentType> {
    return AmendmentType.from(await command(ctx, (c) => acceptAmendment(c, amendmentId)));
  }

  @Mutation(() => AmendmentType)
  async rejectAmendment(
    @Arg('amendmentId', () => ID) amendmentId: string,
    @Arg('reason', () => String, { nullable: true }) reason: string | null,
    @Ctx() ctx: Context,
  ): Promise<AmendmentType> {
    return AmendmentType.from(await command(ctx, (c) => rejectAmendment(c, amendmentId, reason)));
  }

  @FieldResolver(() => ParagraphType)
  async paragraph(@Root() a: AmendmentType, @Ctx() ctx: Context): Promise<ParagraphType> {
    return ParagraphType.from((await ctx.loaders.structure.load(a.declarationId)).get(a.paragraphId)!);
  }

  @FieldResolver(() => ParticipantType)
  async proposer(@Root() a: AmendmentType, @Ctx() ctx: Context): Promise<ParticipantType> {
    return ParticipantType.from((await ctx.loaders.participant.load(a.proposerId))!);
  }

  @FieldResolver(() => TextAnchorType, { nullable: true, description: 'The range to replace; null: the whole paragraph.' })
  async anchor(@Root() a: AmendmentType, @Ctx() ctx: Context): Promise<TextAnchorType | null> {
    if (!a.storedAnchor) return null;
    const live = await ctx.loaders.document.load(a.declarationId);
    return Object.assign(new TextAnchorType(), resolveAnchor(live.doc, a.storedAnchor));
  }

  @FieldResolver(() => [ParticipantType])
  async supporters(@Root() a: AmendmentType, @Ctx() ctx: Context): Promise<ParticipantType[]> {
    return this.withStance(a, ctx, Stance.SUPPORT);
  }

  @FieldResolver(() => [ParticipantType])
  async opponents(@Root() a: AmendmentType, @Ctx() ctx: Context): Promise<ParticipantType[]> {
    return this.withStance(a, ctx, Stance.OPPOSE);
  }

  private async withStance(a: AmendmentType, ctx: Context, stance: Stance): Promise<ParticipantType[]> {
    const positions = (await ctx.loaders.positions.load(a.id)).filter((p) => p.stance === stance);
    const people = await ctx.loaders.participant.loadMany(positions.map((p) => p.participant.id));
    return people.flatMap((p) => (p && !(p instanceof Error) ? [ParticipantType.from(p)] : []));
  }
}

@Resolver(() => ParagraphType)
export class ParagraphAmendmentsResolver {
  @FieldResolver(() => [AmendmentType], { description: 'Oldest first.' })
  async amendments(
    @Root() p: ParagraphType,
    @Arg('status', () => AmendmentStatus, { nullable: true }) status: AmendmentStatus | null,
    @Ctx() ctx: Context,
  ): Promise<AmendmentType[]> {
    const rows = await ctx.loaders.amendments.load(p.id);
    return rows.filter((a) => !status || a.status === status).map(AmendmentType.from);
  }
}
