import { Arg, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import { addExplanationOfPosition, adoptDeclaration, breakSilence, startSilenceProcedure } from '../../drafting/silence.js';
import type { Context } from '../context.js';
import { ID_ARG } from '../descriptions.js';
import { ExplanationOfPositionType } from '../types/Amendment.js';
import { DeclarationType } from '../types/Declaration.js';
import { ParticipantType } from '../types/Participant.js';
import { DateTimeScalar } from '../scalars.js';
import { command } from './access.js';

@Resolver(() => DeclarationType)
export class SilenceResolver {
  @Mutation(() => DeclarationType, {
    description:
      'CO_FACILITATOR, while DRAFTING (CONFLICT otherwise): freezes the text and structure until the deadline; the declaration is adopted then, unless a delegation breaks silence. Records SILENCE_STARTED.',
  })
  async startSilenceProcedure(
    @Arg('declarationId', () => ID, { description: ID_ARG.declaration }) declarationId: string,
    @Arg('deadline', () => DateTimeScalar, { description: 'When silence ends: a date and time with a zone, in the future (BAD_USER_INPUT otherwise).' }) deadline: Date,
    @Ctx() ctx: Context,
  ): Promise<DeclarationType> {
    return DeclarationType.from(await command(ctx, (c) => startSilenceProcedure(c, declarationId, deadline)));
  }

  @Mutation(() => DeclarationType, {
    description:
      'CO_FACILITATOR, once the silence deadline has passed unbroken (CONFLICT before, while DRAFTING, or when already adopted). The server adopts such a declaration by itself too; this makes it happen now: paragraphs renumbered 1..N, an "Adopted text" revision published, DECLARATION_ADOPTED recorded.',
  })
  async adoptDeclaration(@Arg('declarationId', () => ID, { description: ID_ARG.declaration }) declarationId: string, @Ctx() ctx: Context): Promise<DeclarationType> {
    return DeclarationType.from(await command(ctx, (c) => adoptDeclaration(c, declarationId)));
  }

  @Mutation(() => DeclarationType, {
    description:
      'DELEGATION, during the silence procedure (CONFLICT otherwise): returns the declaration to DRAFTING and clears the deadline. Records SILENCE_BROKEN, with the reason in its summary.',
  })
  async breakSilence(
    @Arg('declarationId', () => ID, { description: ID_ARG.declaration }) declarationId: string,
    @Arg('reason', () => String, { description: 'Why: not blank, trimmed, at most DRAFTROOM_MAX_COMMENT_CHARS characters.' }) reason: string,
    @Ctx() ctx: Context,
  ): Promise<DeclarationType> {
    return DeclarationType.from(await command(ctx, (c) => breakSilence(c, declarationId, reason)));
  }

  @Mutation(() => ExplanationOfPositionType, {
    description: 'DELEGATION, after adoption (CONFLICT before): a statement of its position on the adopted text. Records EXPLANATION_ADDED.',
  })
  async addExplanationOfPosition(
    @Arg('declarationId', () => ID, { description: ID_ARG.declaration }) declarationId: string,
    @Arg('text', () => String, { description: 'The explanation: not blank, trimmed, at most DRAFTROOM_MAX_COMMENT_CHARS characters.' }) text: string,
    @Ctx() ctx: Context,
  ): Promise<ExplanationOfPositionType> {
    return ExplanationOfPositionType.from(await command(ctx, (c) => addExplanationOfPosition(c, declarationId, text)));
  }

  @FieldResolver(() => [ExplanationOfPositionType], { description: 'Explanations of position added after adoption, oldest first; empty before.' })
  async explanationsOfPosition(@Root() d: DeclarationType, @Ctx() ctx: Context): Promise<ExplanationOfPositionType[]> {
    return (await ctx.loaders.explanations.load(d.id)).map(ExplanationOfPositionType.from);
  }
}

@Resolver(() => ExplanationOfPositionType)
export class ExplanationResolver {
  @FieldResolver(() => ParticipantType, { description: 'The delegate who added it.' })
  async author(@Root() e: ExplanationOfPositionType, @Ctx() ctx: Context): Promise<ParticipantType> {
    return ParticipantType.from((await ctx.loaders.participant.load(e.authorId))!);
  }
}
