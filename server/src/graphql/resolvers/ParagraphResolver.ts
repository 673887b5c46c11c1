import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { requireViewer } from '../../auth/policy.js';
import { ParagraphStatus } from '../../db/entities/index.js';
import { declarationOf } from '../../drafting/lookup.js';
import { addParagraph, moveParagraph, setParagraphObjectives, setParagraphStatus } from '../../drafting/paragraphs.js';
import { Structure } from '../../drafting/structure.js';
import type { Paragraph } from '../../db/entities/index.js';
import { notFound } from '../../errors.js';
import type { Context } from '../context.js';
import { ID_ARG } from '../descriptions.js';
import { CommentType } from '../types/Comment.js';
import { AddParagraphInput, MoveParagraphInput } from '../types/inputs.js';
import { ParagraphType } from '../types/Paragraph.js';
import { SectionType } from '../types/Section.js';
import { command, readerOf } from './access.js';

/** The view of a paragraph a command just wrote: its number and label come from the new structure. */
async function present(ctx: Context, paragraph: Paragraph): Promise<ParagraphType> {
  const structure = await Structure.load(ctx.em.fork(), paragraph.declaration.id);
  const ordered = structure.get(paragraph.id);
  if (!ordered) throw notFound('paragraph', paragraph.id);
  return ParagraphType.from(ordered);
}

@Resolver(() => ParagraphType)
export class ParagraphResolver {
  @Query(() => ParagraphType, {
    nullable: true,
    description: "One paragraph, for any role of its declaration. NOT_FOUND (with data null) when it does not exist or is not the caller's.",
  })
  async paragraph(@Arg('id', () => ID, { description: ID_ARG.paragraph }) id: string, @Ctx() ctx: Context): Promise<ParagraphType> {
    // Who is asking comes first: without a token, whether the id exists is none of the caller's business.
    requireViewer(ctx.viewer);
    const declarationId = await declarationOf(ctx.em, 'paragraph', id);
    readerOf(ctx, declarationId, { what: 'paragraph', id });
    const ordered = (await ctx.loaders.structure.load(declarationId)).get(id);
    if (!ordered) throw notFound('paragraph', id);
    return ParagraphType.from(ordered);
  }

  @Mutation(() => ParagraphType, {
    description:
      'CO_FACILITATOR, while DRAFTING (CONFLICT after): a new OPEN paragraph in the section. Before the first revision it is labelled by its number; after, "21 bis", "21 ter"... after its neighbour. BAD_USER_INPUT beyond DRAFTROOM_MAX_PARAGRAPHS paragraphs per declaration (2,000 by default, DELETED included). Records PARAGRAPH_ADDED.',
  })
  async addParagraph(
    @Arg('sectionId', () => ID, { description: ID_ARG.section }) sectionId: string,
    @Arg('input', () => AddParagraphInput, { description: 'Its place, text and objectives.' }) input: AddParagraphInput,
    @Ctx() ctx: Context,
  ): Promise<ParagraphType> {
    return present(ctx, await command(ctx, (c) => addParagraph(c, { sectionId, ...input })));
  }

  @Mutation(() => ParagraphType, {
    description: 'CO_FACILITATOR, while DRAFTING (CONFLICT after): moves a paragraph within its section or to another; its text and label go with it. Records PARAGRAPH_MOVED.',
  })
  async moveParagraph(
    @Arg('paragraphId', () => ID, { description: ID_ARG.paragraph }) paragraphId: string,
    @Arg('input', () => MoveParagraphInput, { description: 'Where to: the section, and the paragraph it follows.' }) input: MoveParagraphInput,
    @Ctx() ctx: Context,
  ): Promise<ParagraphType> {
    return present(ctx, await command(ctx, (c) => moveParagraph(c, { paragraphId, ...input })));
  }

  @Mutation(() => ParagraphType, {
    description:
      'CO_FACILITATOR, while DRAFTING (CONFLICT after): sets how far the paragraph is agreed, DELETED included (and back). Records PARAGRAPH_STATUS_CHANGED; the same status: nothing changes.',
  })
  async setParagraphStatus(
    @Arg('paragraphId', () => ID, { description: ID_ARG.paragraph }) paragraphId: string,
    @Arg('status', () => ParagraphStatus, { description: 'The new status.' }) status: ParagraphStatus,
    @Ctx() ctx: Context,
  ): Promise<ParagraphType> {
    return present(ctx, await command(ctx, (c) => setParagraphStatus(c, paragraphId, status)));
  }

  @Mutation(() => ParagraphType, {
    description:
      'CO_FACILITATOR, while DRAFTING (CONFLICT after): replaces the GCM objectives the paragraph is tagged with. Records PARAGRAPH_OBJECTIVES_CHANGED; the same set: nothing changes.',
  })
  async setParagraphObjectives(
    @Arg('paragraphId', () => ID, { description: ID_ARG.paragraph }) paragraphId: string,
    @Arg('objectives', () => [Int], { description: 'GCM objective numbers 1..23 (BAD_USER_INPUT otherwise), repeats dropped; [] for none.' })
    objectives: number[],
    @Ctx() ctx: Context,
  ): Promise<ParagraphType> {
    return present(ctx, await command(ctx, (c) => setParagraphObjectives(c, paragraphId, objectives)));
  }

  @FieldResolver(() => SectionType, { description: 'The section it is in.' })
  async section(@Root() p: ParagraphType, @Ctx() ctx: Context): Promise<SectionType> {
    const structure = await ctx.loaders.structure.load(p.declarationId);
    return SectionType.from(structure.section(p.sectionId)!);
  }

  @FieldResolver(() => [CommentType], { description: 'Top-level comments, oldest first.' })
  async comments(
    @Root() p: ParagraphType,
    @Arg('includeResolved', () => Boolean, {
      nullable: true,
      defaultValue: true,
      description: 'false: only unresolved threads.',
    })
    includeResolved: boolean | null,
    @Ctx() ctx: Context,
  ): Promise<CommentType[]> {
    const threads = await ctx.loaders.threads.load(p.id);
    return threads.filter((c) => includeResolved !== false || !c.resolved).map(CommentType.from);
  }
}
