import { Arg, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import { addExplanationOfPosition, adoptDeclaration, breakSilence, startSilenceProcedure } from '../../drafting/silence.js';
import type { Context } from '../context.js';
import { ExplanationOfPositionType } from '../types/Amendment.js';
import { DeclarationType } from '../types/Declaration.js';
import { ParticipantType } from '../types/Participant.js';
import { DateTimeScalar } from '../scalars.js';
import { command } from './access.js';

@Resolver(() => DeclarationType)
export class LifecycleResolver {
  @Mutation(() => DeclarationType, { description: 'CO_FACILITATOR: freezes the text until the deadline; adopted then unless a delegation breaks silence.' })
  async startSilenceProcedure(
    @Arg('declarationId', () => ID) declarationId: string,
    @Arg('deadline', () => DateTimeScalar) deadline: Date,
    @Ctx() ctx: Context,
  ): Promise<DeclarationType> {
    return DeclarationType.from(await command(ctx, (c) => startSilenceProcedure(c, declarationId, deadline)));
  }

  @Mutation(() => DeclarationType, { description: 'CO_FACILITATOR, once the silence deadline has passed (CONFLICT before).' })
  async adoptDeclaration(@Arg('declarationId', () => ID) declarationId: string, @Ctx() ctx: Context): Promise<DeclarationType> {
    return DeclarationType.from(await command(ctx, (c) => adoptDeclaration(c, declarationId)));
  }

  @Mutation(() => DeclarationType, { description: 'DELEGATION: returns the text to DRAFTING; the reason goes to the change feed.' })
  async breakSilence(
    @Arg('declarationId', () => ID) declarationId: string,
    @Arg('reason', () => String) reason: string,
    @Ctx() ctx: Context,
  ): Promise<DeclarationType> {
    return DeclarationType.from(await command(ctx, (c) => breakSilence(c, declarationId, reason)));
  }

  @Mutation(() => ExplanationOfPositionType, { description: 'DELEGATION, after adoption.' })
  async addExplanationOfPosition(
    @Arg('declarationId', () => ID) declarationId: string,
    @Arg('text', () => String) text: string,
    @Ctx() ctx: Context,
  ): Promise<ExplanationOfPositionType> {
    return ExplanationOfPositionType.from(await command(ctx, (c) => addExplanationOfPosition(c, declarationId, text)));
  }

  @FieldResolver(() => [ExplanationOfPositionType])
  async explanationsOfPosition(@Root() d: DeclarationType, @Ctx() ctx: Context): Promise<ExplanationOfPositionType[]> {
    return (await ctx.loaders.explanations.load(d.id)).map(ExplanationOfPositionType.from);
  }
}

@Resolver(() => ExplanationOfPositionType)
export class ExplanationResolver {
  @FieldResolver(() => ParticipantType)
  async author(@Root() e: ExplanationOfPositionType, @Ctx() ctx: Context): Promise<ParticipantType> {
    return ParticipantType.from((await ctx.loaders.participant.load(e.authorId))!);
  }
}
