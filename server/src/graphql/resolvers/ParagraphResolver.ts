import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { requireViewer } from '../../auth/policy.js';
import { ParagraphStatus } from '../../db/entities/index.js';
import { declarationOf } from '../../drafting/lookup.js';
import { addParagraph, moveParagraph, setParagraphObjectives, setParagraphStatus } from '../../drafting/paragraphs.js';
import { Structure } from '../../drafting/structure.js';
import type { Paragraph } from '../../db/entities/index.js';
import { notFound } from '../../errors.js';
import type { Context } from '../context.js';
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
  @Query(() => ParagraphType, { nullable: true })
  async paragraph(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<ParagraphType> {
    // Who is asking comes first: without a token, whether the id exists is none of the caller's business.
    requireViewer(ctx.viewer);
    const declarationId = await declarationOf(ctx.em, 'paragraph', id);
    readerOf(ctx, declarationId, { what: 'paragraph', id });
    const ordered = (await ctx.loaders.structure.load(declarationId)).get(id);
    if (!ordered) throw notFound('paragraph', id);
    return ParagraphType.from(ordered);
  }

  @Mutation(() => ParagraphType)
  async addParagraph(
    @Arg('sectionId', () => ID) sectionId: string,
    @Arg('input', () => AddParagraphInput) input: AddParagraphInput,
    @Ctx() ctx: Context,
  ): Promise<ParagraphType> {
    return present(ctx, await command(ctx, (c) => addParagraph(c, { sectionId, ...input })));
  }

  @Mutation(() => ParagraphType)
  async moveParagraph(
    @Arg('paragraphId', () => ID) paragraphId: string,
    @Arg('input', () => MoveParagraphInput) input: MoveParagraphInput,
    @Ctx() ctx: Context,
  ): Promise<ParagraphType> {
    return present(ctx, await command(ctx, (c) => moveParagraph(c, { paragraphId, ...input })));
  }

  @Mutation(() => ParagraphType)
  async setParagraphStatus(
    @Arg('paragraphId', () => ID) paragraphId: string,
    @Arg('status', () => ParagraphStatus) status: ParagraphStatus,
    @Ctx() ctx: Context,
  ): Promise<ParagraphType> {
    return present(ctx, await command(ctx, (c) => setParagraphStatus(c, paragraphId, status)));
  }

  @Mutation(() => ParagraphType)
  async setParagraphObjectives(
    @Arg('paragraphId', () => ID) paragraphId: string,
    @Arg('objectives', () => [Int]) objectives: number[],
    @Ctx() ctx: Context,
  ): Promise<ParagraphType> {
    return present(ctx, await command(ctx, (c) => setParagraphObjectives(c, paragraphId, objectives)));
  }

  @FieldResolver(() => SectionType)
  async section(@Root() p: ParagraphType, @Ctx() ctx: Context): Promise<SectionType> {
    const structure = await ctx.loaders.structure.load(p.declarationId);
    return SectionType.from(structure.section(p.sectionId)!);
  }

  @FieldResolver(() => [CommentType], { description: 'Top-level comments, oldest first.' })
  async comments(
    @Root() p: ParagraphType,
    @Arg('includeResolved', () => Boolean, { nullable: true, defaultValue: true }) includeResolved: boolean | null,
    @Ctx() ctx: Context,
  ): Promise<CommentType[]> {
    const threads = await ctx.loaders.threads.load(p.id);
    return threads.filter((c) => includeResolved !== false || !c.resolved).map(CommentType.from);
  }
}
