/**
 * A declaration's structure as one value: its sections and paragraphs in
 * document order, with numbers and labels. Commands load it under the
 * declaration's lock; reads load it through the request's loaders.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { Paragraph, Section } from '../db/entities/index.js';
import { numberAndLabel, type OrderedParagraph } from './documentOrder.js';

export class Structure {
  readonly ordered: OrderedParagraph[];
  private readonly byId: Map<string, OrderedParagraph>;

  constructor(
    readonly sections: Section[],
    readonly paragraphs: Paragraph[],
  ) {
    this.sections = [...sections].sort((a, b) => a.position - b.position);
    // Until issue 4 stores revisions, a fixed label is the mark of a published revision.
    const published = paragraphs.some((p) => p.fixedLabel !== null);
    this.ordered = numberAndLabel(this.sections, paragraphs, published);
    this.byId = new Map(this.ordered.map((o) => [o.paragraph.id, o]));
  }

  static async load(em: EntityManager, declarationId: string): Promise<Structure> {
    const [sections, paragraphs] = await Promise.all([
      em.find(Section, { declaration: declarationId }),
      em.find(Paragraph, { declaration: declarationId }),
    ]);
    return new Structure(sections, paragraphs);
  }

  get(paragraphId: string): OrderedParagraph | undefined {
    return this.byId.get(paragraphId);
  }

  label(paragraphId: string): string {
    return this.byId.get(paragraphId)?.label ?? '?';
  }

  /** The section's paragraphs in order. */
  inSection(sectionId: string): Paragraph[] {
    return this.paragraphs.filter((p) => p.section.id === sectionId).sort((a, b) => a.position - b.position);
  }

  section(sectionId: string): Section | undefined {
    return this.sections.find((s) => s.id === sectionId);
  }
}
