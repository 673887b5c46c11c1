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
import { ID_ARG } from '../descriptions.js';
import { AmendmentType } from '../types/Amendment.js';
import { TextAnchorType } from '../types/Comment.js';
import { ProposeAmendmentInput } from '../types/inputs.js';
import { ParagraphType } from '../types/Paragraph.js';
import { ParticipantType } from '../types/Participant.js';
import { command } from './access.js';

@Resolver(() => AmendmentType)
export class AmendmentResolver {
  @Mutation(() => AmendmentType, {
    description: 'DELEGATION, while DRAFTING, on an OPEN paragraph (CONFLICT otherwise): tables an amendment, PENDING. Records AMENDMENT_PROPOSED.',
  })
  async proposeAmendment(
    @Arg('paragraphId', () => ID, { description: ID_ARG.paragraph }) paragraphId: string,
    @Arg('input', () => ProposeAmendmentInput, { description: 'The range, the replacement text and the rationale.' }) input: ProposeAmendmentInput,
    @Ctx() ctx: Context,
  ): Promise<AmendmentType> {
    return AmendmentType.from(await command(ctx, (c) => proposeAmendment(c, { paragraphId, ...input })));
  }

  @Mutation(() => AmendmentType, {
    description:
      "DELEGATION, on another delegation's PENDING amendment while DRAFTING (its own delegation's, whichever delegate tabled it: BAD_USER_INPUT; decided: CONFLICT): the caller's delegation supports it, replacing its opposition (a delegation holds one position, whichever of its delegates states it). Records AMENDMENT_SUPPORTED; the delegation already supporting, by any of its delegates: nothing changes.",
  })
  async supportAmendment(@Arg('amendmentId', () => ID, { description: ID_ARG.amendment }) amendmentId: string, @Ctx() ctx: Context): Promise<AmendmentType> {
    return AmendmentType.from(await command(ctx, (c) => takePosition(c, amendmentId, Stance.SUPPORT)));
  }

  @Mutation(() => AmendmentType, {
    description:
      "DELEGATION, on another delegation's PENDING amendment while DRAFTING (its own delegation's, whichever delegate tabled it: BAD_USER_INPUT; decided: CONFLICT): the caller's delegation opposes it, replacing its support (a delegation holds one position, whichever of its delegates states it). Records AMENDMENT_OPPOSED; the delegation already opposing, by any of its delegates: nothing changes.",
  })
  async opposeAmendment(@Arg('amendmentId', () => ID, { description: ID_ARG.amendment }) amendmentId: string, @Ctx() ctx: Context): Promise<AmendmentType> {
    return AmendmentType.from(await command(ctx, (c) => takePosition(c, amendmentId, Stance.OPPOSE)));
  }

  @Mutation(() => AmendmentType, {
    description:
      "A delegate of the proposer's delegation only (FORBIDDEN for anyone else), while PENDING and DRAFTING (CONFLICT otherwise): WITHDRAWN. Records AMENDMENT_WITHDRAWN.",
  })
  async withdrawAmendment(@Arg('amendmentId', () => ID, { description: ID_ARG.amendment }) amendmentId: string, @Ctx() ctx: Context): Promise<AmendmentType> {
    return AmendmentType.from(await command(ctx, (c) => withdrawAmendment(c, amendmentId)));
  }

  @Mutation(() => AmendmentType, {
    description:
      'CO_FACILITATOR, while PENDING and DRAFTING: replaces the anchored range (or the whole paragraph) with its text, as a server-side Yjs update broadcast like any other; ACCEPTED. CONFLICT when decided, frozen, or the anchored text was deleted (orphaned); BAD_USER_INPUT when the paragraph would exceed DRAFTROOM_MAX_PARAGRAPH_CHARS. Records AMENDMENT_ACCEPTED.',
  })
  async acceptAmendment(@Arg('amendmentId', () => ID, { description: ID_ARG.amendment }) amendmentId: string, @Ctx() ctx: Context): Promise<AmendmentType> {
    return AmendmentType.from(await command(ctx, (c) => acceptAmendment(c, amendmentId)));
  }

  @Mutation(() => AmendmentType, {
    description: 'CO_FACILITATOR, while PENDING and DRAFTING (CONFLICT otherwise): REJECTED, with the reason as decisionReason. Records AMENDMENT_REJECTED.',
  })
  async rejectAmendment(
    @Arg('amendmentId', () => ID, { description: ID_ARG.amendment }) amendmentId: string,
    @Arg('reason', () => String, {
      nullable: true,
      description: 'Why: trimmed, at most DRAFTROOM_MAX_COMMENT_CHARS characters; absent or blank: none.',
    })
    reason: string | null,
    @Ctx() ctx: Context,
  ): Promise<AmendmentType> {
    return AmendmentType.from(await command(ctx, (c) => rejectAmendment(c, amendmentId, reason)));
  }

  @FieldResolver(() => ParagraphType, { description: 'The paragraph it amends.' })
  async paragraph(@Root() a: AmendmentType, @Ctx() ctx: Context): Promise<ParagraphType> {
    return ParagraphType.from((await ctx.loaders.structure.load(a.declarationId)).get(a.paragraphId)!);
  }

  @FieldResolver(() => ParticipantType, { description: 'The delegate who tabled it.' })
  async proposer(@Root() a: AmendmentType, @Ctx() ctx: Context): Promise<ParticipantType> {
    return ParticipantType.from((await ctx.loaders.participant.load(a.proposerId))!);
  }

  @FieldResolver(() => TextAnchorType, { nullable: true, description: 'The range to replace; null: the whole paragraph.' })
  async anchor(@Root() a: AmendmentType, @Ctx() ctx: Context): Promise<TextAnchorType | null> {
    if (!a.storedAnchor) return null;
    const live = await ctx.loaders.document.load(a.declarationId);
    return Object.assign(new TextAnchorType(), resolveAnchor(live.doc, a.storedAnchor));
  }

  @FieldResolver(() => [ParticipantType], {
    description: 'The delegations that support it, one delegate each (the one who last stated the position), in the order they took it.',
  })
  async supporters(@Root() a: AmendmentType, @Ctx() ctx: Context): Promise<ParticipantType[]> {
    return this.withStance(a, ctx, Stance.SUPPORT);
  }

  @FieldResolver(() => [ParticipantType], {
    description: 'The delegations that oppose it, one delegate each (the one who last stated the position), in the order they took it.',
  })
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
  @FieldResolver(() => [AmendmentType], { description: 'Amendments tabled to this paragraph, oldest first.' })
  async amendments(
    @Root() p: ParagraphType,
    @Arg('status', () => AmendmentStatus, { nullable: true, description: 'Only those with this status; absent: all.' }) status: AmendmentStatus | null,
    @Ctx() ctx: Context,
  ): Promise<AmendmentType[]> {
    const rows = await ctx.loaders.amendments.load(p.id);
    return rows.filter((a) => !status || a.status === status).map(AmendmentType.from);
  }
}
