import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { authorize, requireViewer, visibleDeclarations } from '../../auth/policy.js';
import { Declaration, Participant } from '../../db/entities/index.js';
import { createDeclaration, inviteParticipant } from '../../drafting/declarations.js';
import { settleDeadlinesBeforeRead } from '../../drafting/deadlines.js';
import { revokeParticipant } from '../../drafting/participants.js';
import { isId } from '../../drafting/lookup.js';
import { addSection } from '../../drafting/sections.js';
import { notFound } from '../../errors.js';
import type { Context } from '../context.js';
import { ID_ARG } from '../descriptions.js';
import { DeclarationType } from '../types/Declaration.js';
import { AddSectionInput, CreateDeclarationInput, InviteParticipantInput } from '../types/inputs.js';
import { ParagraphType } from '../types/Paragraph.js';
import { InvitationType, ParticipantType } from '../types/Participant.js';
import { SectionType } from '../types/Section.js';
import { command, readerOf } from './access.js';

@Resolver(() => DeclarationType)
export class DeclarationResolver {
  @Query(() => [DeclarationType], {
    description: "The declarations the caller may see, oldest first: every one for the secretariat, the caller's own for anyone else.",
  })
  async declarations(@Ctx() ctx: Context): Promise<DeclarationType[]> {
    const viewer = requireViewer(ctx.viewer);
    const visible = visibleDeclarations(viewer);
    if (visible !== 'all' && visible.length === 0) return [];
    const where = visible === 'all' ? {} : { id: { $in: visible } };
    const rows = await ctx.em.find(Declaration, where, { orderBy: { createdAt: 'asc', id: 'asc' } });
    // A read that writes: passed deadlines are settled (adopted) first, see drafting/deadlines.ts.
    return (await settleDeadlinesBeforeRead(ctx.services, ctx.em, rows)).map(DeclarationType.from);
  }

  @Query(() => DeclarationType, {
    nullable: true,
    description: 'One declaration, for any role of it (and the secretariat). NOT_FOUND (with data null) when it does not exist or is not the caller\'s.',
  })
  async declaration(@Arg('id', () => ID, { description: ID_ARG.declaration }) id: string, @Ctx() ctx: Context): Promise<DeclarationType> {
    readerOf(ctx, id);
    const row = isId(id) ? await ctx.loaders.declaration.load(id) : null;
    if (!row) throw notFound('declaration', id);
    return DeclarationType.from(row);
  }

  @Mutation(() => DeclarationType, {
    description: 'SECRETARIAT only (FORBIDDEN otherwise): a new, empty declaration, DRAFTING. BAD_USER_INPUT for a blank or too long title.',
  })
  async createDeclaration(@Arg('input', () => CreateDeclarationInput, { description: 'Its title and forum.' }) input: CreateDeclarationInput, @Ctx() ctx: Context) {
    return DeclarationType.from(await command(ctx, (c) => createDeclaration(c, input)));
  }

  @Mutation(() => InvitationType, {
    description:
      'SECRETARIAT only (FORBIDDEN otherwise): a participant of the declaration with a fresh token, shown once in the answer. Records PARTICIPANT_INVITED. BAD_USER_INPUT for a blank or too long name.',
  })
  async inviteParticipant(
    @Arg('declarationId', () => ID, { description: `${ID_ARG.declaration} A SECRETARIAT invited here is global all the same.` }) declarationId: string,
    @Arg('input', () => InviteParticipantInput, { description: 'Who: name, role, delegation.' }) input: InviteParticipantInput,
    @Ctx() ctx: Context,
  ): Promise<InvitationType> {
    const invitation = await command(ctx, (c) => inviteParticipant(c, { declarationId, ...input }));
    return Object.assign(new InvitationType(), { participant: ParticipantType.from(invitation.participant), token: invitation.token });
  }

  @Mutation(() => ParticipantType, {
    description:
      'SECRETARIAT only (FORBIDDEN otherwise). The participant\'s token stops working at once (UNAUTHENTICATED), and their open WebSockets, on every instance, are closed with code 4003. They stay listed, with revokedAt; records PARTICIPANT_REVOKED. Revoking again changes nothing.',
  })
  async revokeParticipant(
    @Arg('participantId', () => ID, { description: `${ID_ARG.participant} Not the caller itself (BAD_USER_INPUT).` }) participantId: string,
    @Ctx() ctx: Context,
  ): Promise<ParticipantType> {
    return ParticipantType.from(await command(ctx, (c) => revokeParticipant(c, participantId)));
  }

  @Mutation(() => SectionType, {
    description: 'CO_FACILITATOR, while DRAFTING (CONFLICT after): a new, empty section. Records SECTION_ADDED.',
  })
  async addSection(
    @Arg('declarationId', () => ID, { description: ID_ARG.declaration }) declarationId: string,
    @Arg('input', () => AddSectionInput, { description: 'Its title and place.' }) input: AddSectionInput,
    @Ctx() ctx: Context,
  ): Promise<SectionType> {
    return SectionType.from(await command(ctx, (c) => addSection(c, { declarationId, ...input })));
  }

  @FieldResolver(() => [SectionType], { description: 'Its sections, in order.' })
  async sections(@Root() d: DeclarationType, @Ctx() ctx: Context): Promise<SectionType[]> {
    const structure = await ctx.loaders.structure.load(d.id);
    return structure.sections.map(SectionType.from);
  }

  @FieldResolver(() => [ParagraphType], { description: 'All its paragraphs, in document order (section by section), DELETED included.' })
  async paragraphs(@Root() d: DeclarationType, @Ctx() ctx: Context): Promise<ParagraphType[]> {
    const structure = await ctx.loaders.structure.load(d.id);
    return structure.ordered.map(ParagraphType.from);
  }

  @FieldResolver(() => ParagraphType, { nullable: true, description: 'The paragraph with this label now; null when none has it.' })
  async paragraph(
    @Root() d: DeclarationType,
    @Arg('label', () => String, { description: 'A label as shown, e.g. "21 bis" (surrounding spaces ignored).' }) label: string,
    @Ctx() ctx: Context,
  ) {
    const structure = await ctx.loaders.structure.load(d.id);
    const wanted = label.trim();
    const found = structure.ordered.find((o) => o.label === wanted);
    return found ? ParagraphType.from(found) : null;
  }

  // Nullable, as the contract declares it: a refusal then nulls this field
  // alone. Non-null, the null would bubble up to the declaration and take its
  // title and text away from an observer who also asked for participants.
  @FieldResolver(() => [ParticipantType], {
    nullable: true,
    description:
      "Everyone invited to this declaration, oldest first, revoked participants included (with revokedAt). Readable by SECRETARIAT and CO_FACILITATOR only; for any other role this field is null, with one FORBIDDEN error whose path ends in 'participants', and the rest of the declaration is answered.",
  })
  async participants(@Root() d: DeclarationType, @Ctx() ctx: Context): Promise<ParticipantType[]> {
    authorize(requireViewer(ctx.viewer), 'participants.read', { declarationId: d.id });
    const rows = await ctx.em.find(Participant, { declaration: d.id }, { orderBy: { createdAt: 'asc', id: 'asc' } });
    return rows.map(ParticipantType.from);
  }
}
