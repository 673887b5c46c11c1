import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { isId } from '../../drafting/lookup.js';
import { publishRevision } from '../../drafting/revisions.js';
import { diffRevisions } from '../../drafting/wordDiff.js';
import { badInput, notFound } from '../../errors.js';
import type { Context } from '../context.js';
import { ID_ARG } from '../descriptions.js';
import { DeclarationType } from '../types/Declaration.js';
import { DiffOp, ParagraphChange } from '../types/enums.js';
import { ParticipantType } from '../types/Participant.js';
import { ParagraphDiffType, RevisionParagraphType, RevisionType } from '../types/Revision.js';
import { command, readerOf } from './access.js';

/** The revision with `id`, if the caller may read its declaration (NOT_FOUND otherwise). */
export async function readableRevision(ctx: Context, id: string) {
  const revision = isId(id) ? await ctx.loaders.revision.load(id) : null;
  if (!revision) throw notFound('revision', id);
  readerOf(ctx, revision.declaration.id, { what: 'revision', id });
  return revision;
}

@Resolver(() => RevisionType)
export class RevisionResolver {
  @Query(() => RevisionType, {
    nullable: true,
    description: "One published revision, for any role of its declaration. NOT_FOUND (with data null) when it does not exist or is not the caller's.",
  })
  async revision(@Arg('id', () => ID, { description: ID_ARG.revision }) id: string, @Ctx() ctx: Context): Promise<RevisionType> {
    return RevisionType.from(await readableRevision(ctx, id));
  }

  @Mutation(() => RevisionType, {
    description:
      'CO_FACILITATOR, while DRAFTING (CONFLICT otherwise): records the whole text as it stands. From then on the labels of its paragraphs stay fixed (new ones get "bis", "ter"...). Records REVISION_PUBLISHED.',
  })
  async publishRevision(
    @Arg('declarationId', () => ID, { description: ID_ARG.declaration }) declarationId: string,
    @Arg('name', () => String, {
      nullable: true,
      description: 'Its name, at most DRAFTROOM_MAX_TITLE_CHARS characters; absent or blank: "Zero draft" for the first, then "Rev.1", "Rev.2", ...',
    })
    name: string | null,
    @Ctx() ctx: Context,
  ): Promise<RevisionType> {
    return RevisionType.from(await command(ctx, (c) => publishRevision(c, declarationId, name)));
  }

  @FieldResolver(() => ParticipantType, { description: 'The co-facilitator who published it (for "Adopted text": the one who started the silence procedure).' })
  async publishedBy(@Root() r: RevisionType, @Ctx() ctx: Context): Promise<ParticipantType> {
    return ParticipantType.from((await ctx.loaders.participant.load(r.publishedById!))!);
  }

  @FieldResolver(() => [RevisionParagraphType], { description: 'The whole text as published, in order.' })
  paragraphs(@Root() r: RevisionType): RevisionParagraphType[] {
    return r.records.map(RevisionParagraphType.from);
  }

  @FieldResolver(() => [ParagraphDiffType], { description: 'Against the given revision, default the previous one (the first: everything ADDED).' })
  async diff(
    @Root() r: RevisionType,
    @Arg('against', () => ID, {
      nullable: true,
      description: `The older revision to compare with; absent: the previous one. ${ID_ARG.revision} BAD_USER_INPUT for a revision of another declaration.`,
    })
    against: string | null,
    @Ctx() ctx: Context,
  ): Promise<ParagraphDiffType[]> {
    let older: RevisionType | null = null;
    if (against != null) {
      const other = await readableRevision(ctx, against);
      if (other.declaration.id !== r.declarationId) {
        throw badInput(`revision ${against} belongs to another declaration`, { field: 'against' });
      }
      older = RevisionType.from(other);
    } else {
      const all = await ctx.loaders.revisions.load(r.declarationId);
      const previous = all.filter((x) => x.sequence < r.sequence).at(-1);
      older = previous ? RevisionType.from(previous) : null;
    }
    return diffRevisions(older?.records ?? null, r.records).map((d) =>
      Object.assign(new ParagraphDiffType(), {
        paragraphId: d.paragraphId,
        label: d.label,
        change: d.change as ParagraphChange,
        hunks: d.hunks.map((h) => ({ op: h.op as DiffOp, text: h.text })),
      }),
    );
  }
}

@Resolver(() => DeclarationType)
export class DeclarationRevisionsResolver {
  @FieldResolver(() => [RevisionType], { description: 'Oldest first.' })
  async revisions(@Root() d: DeclarationType, @Ctx() ctx: Context): Promise<RevisionType[]> {
    return (await ctx.loaders.revisions.load(d.id)).map(RevisionType.from);
  }
}
