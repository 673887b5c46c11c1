import { Field, ID, Int, ObjectType } from 'type-graphql';
import type { OrderedParagraph } from '../../drafting/documentOrder.js';
import { DateTimeScalar } from '../scalars.js';
import { ParagraphStatus } from './enums.js';

@ObjectType('Paragraph')
export class ParagraphType {
  @Field(() => ID, { description: "The paragraph's text is doc.getText(id) in the declaration's Y.Doc." })
  id!: string;

  @Field(() => Int, { nullable: true, description: '1-based position among non-DELETED paragraphs of the declaration; null when DELETED.' })
  number!: number | null;

  @Field(() => String, { description: 'Negotiation label, stable between revisions: "21", "21 bis", "21 ter".' })
  label!: string;

  @Field(() => String, { description: 'Current committed text.' })
  text!: string;

  @Field(() => ParagraphStatus)
  status!: ParagraphStatus;

  @Field(() => [Int], { description: 'Global Compact objectives 1..23 this paragraph addresses.' })
  objectives!: number[];

  @Field(() => DateTimeScalar)
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
