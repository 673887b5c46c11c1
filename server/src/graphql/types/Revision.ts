import { Field, ID, Int, ObjectType } from 'type-graphql';
import type { Revision, RevisionParagraphRecord } from '../../db/entities/index.js';
import { DateTimeScalar } from '../scalars.js';
import { DiffOp, ParagraphChange, ParagraphStatus } from './enums.js';

@ObjectType('RevisionParagraph')
export class RevisionParagraphType {
  @Field(() => ID)
  paragraphId!: string;

  @Field(() => String)
  sectionTitle!: string;

  @Field(() => String)
  label!: string;

  @Field(() => Int, { nullable: true })
  number!: number | null;

  @Field(() => String)
  text!: string;

  @Field(() => ParagraphStatus)
  status!: ParagraphStatus;

  static from(r: RevisionParagraphRecord): RevisionParagraphType {
    return Object.assign(new RevisionParagraphType(), {
      paragraphId: r.paragraphId,
      sectionTitle: r.sectionTitle,
      label: r.label,
      number: r.number,
      text: r.text,
      status: r.status,
    });
  }
}

@ObjectType('DiffHunk')
export class DiffHunkType {
  @Field(() => DiffOp)
  op!: DiffOp;

  @Field(() => String)
  text!: string;
}

@ObjectType('ParagraphDiff')
export class ParagraphDiffType {
  @Field(() => ID)
  paragraphId!: string;

  @Field(() => String)
  label!: string;

  @Field(() => ParagraphChange)
  change!: ParagraphChange;

  @Field(() => [DiffHunkType], { description: 'Word-level; concatenating EQUAL+DELETE gives the old text, EQUAL+INSERT the new.' })
  hunks!: DiffHunkType[];
}

@ObjectType('Revision')
export class RevisionType {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: '"Zero draft", "Rev.1", "Rev.2", ... unless named explicitly; "Adopted text" at adoption.' })
  name!: string;

  @Field(() => Int, { description: '0 for the first revision, then 1, 2, ...' })
  sequence!: number;

  @Field(() => DateTimeScalar)
  publishedAt!: Date;

  declarationId!: string;
  publishedById!: string | null;
  records!: RevisionParagraphRecord[];

  static from(r: Revision): RevisionType {
    return Object.assign(new RevisionType(), {
      id: r.id,
      name: r.name,
      sequence: r.sequence,
      publishedAt: r.publishedAt,
      declarationId: r.declaration.id,
      publishedById: r.publishedBy?.id ?? null,
      records: r.paragraphs,
    });
  }
}
