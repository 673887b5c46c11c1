import { Field, ID, Int, ObjectType } from 'type-graphql';
import type { OrderedParagraph } from '../../drafting/documentOrder.js';
import { DateTimeScalar } from '../scalars.js';
import { ParagraphStatus } from './enums.js';

@ObjectType('Paragraph', {
  description:
    "A paragraph of the declaration: structure (section, order, status, objectives) from the database, text from the declaration's Y.Doc as committed. Readable by every participant of its declaration.",
})
export class ParagraphType {
  @Field(() => ID, { description: "The paragraph's id; its text is doc.getText(id) in the declaration's Y.Doc." })
  id!: string;

  @Field(() => Int, { nullable: true, description: '1-based position among non-DELETED paragraphs of the declaration; null when DELETED.' })
  number!: number | null;

  @Field(() => String, { description: 'Negotiation label, stable between revisions: "21", "21 bis", "21 ter".' })
  label!: string;

  @Field(() => String, { description: 'The current committed text (never an edit not yet durable); "" for an empty paragraph.' })
  text!: string;

  @Field(() => ParagraphStatus, { description: 'How far it is agreed; only OPEN paragraphs take edits and amendments.' })
  status!: ParagraphStatus;

  @Field(() => [Int], { description: 'Global Compact objectives 1..23 this paragraph addresses.' })
  objectives!: number[];

  @Field(() => DateTimeScalar, { description: 'When anything of it last changed: its text (every committed update), status, objectives or place.' })
  updatedAt!: Date;

  sectionId!: string;
  declarationId!: string;

  static from(o: OrderedParagraph): ParagraphType {
    const p = o.paragraph;
    return Object.assign(new ParagraphType(), {
      id: p.id,
      number: o.number,
      label: o.label,
      text: p.text,
      status: p.status,
      objectives: p.objectives,
      updatedAt: p.updatedAt,
      sectionId: p.section.id,
      declarationId: p.declaration.id,
    });
  }
}
