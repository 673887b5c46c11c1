import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { Context } from '../context.js';
import { ParagraphType } from '../types/Paragraph.js';
import { SectionType } from '../types/Section.js';

@Resolver(() => SectionType)
export class SectionResolver {
  @FieldResolver(() => [ParagraphType], { description: 'Its paragraphs, in order, DELETED included.' })
  async paragraphs(@Root() section: SectionType, @Ctx() ctx: Context): Promise<ParagraphType[]> {
    const structure = await ctx.loaders.structure.load(section.declarationId);
    return structure.ordered.filter((o) => o.paragraph.section.id === section.id).map(ParagraphType.from);
  }
}
