import { Field, ID, Int, ObjectType } from 'type-graphql';
import type { Revision, RevisionParagraphRecord } from '../../db/entities/index.js';
import { DateTimeScalar } from '../scalars.js';
import { DiffOp, ParagraphChange, ParagraphStatus } from './enums.js';

@ObjectType('RevisionParagraph', { description: 'A paragraph as it stood when a revision was published: a record, never changed afterwards.' })
export class RevisionParagraphType {
  @Field(() => ID, { description: 'The paragraph it records (the same id as the live Paragraph).' })
  paragraphId!: string;

  @Field(() => String, { description: 'The title of its section at publication.' })
  sectionTitle!: string;

  @Field(() => String, { description: 'Its label at publication: "21", "21 bis"...' })
  label!: string;

  @Field(() => Int, { nullable: true, description: 'Its number at publication (1-based among non-DELETED paragraphs); null when DELETED.' })
  number!: number | null;

  @Field(() => String, { description: 'Its text at publication.' })
  text!: string;

  @Field(() => ParagraphStatus, { description: 'Its status at publication.' })
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

@ObjectType('DiffHunk', { description: 'A run of words of a word-level diff: kept, inserted or deleted.' })
export class DiffHunkType {
  @Field(() => DiffOp, { description: 'Whether these words are in both texts, only the newer, or only the older.' })
  op!: DiffOp;

  @Field(() => String, { description: 'The words, with the spaces between them, exactly as in the text.' })
  text!: string;
}

@ObjectType('ParagraphDiff', { description: 'What became of one paragraph between two revisions, word by word.' })
export class ParagraphDiffType {
  @Field(() => ID, { description: 'The paragraph compared.' })
  paragraphId!: string;

  @Field(() => String, { description: 'Its label in the newer revision (in the older one when REMOVED and absent from the newer).' })
  label!: string;

  @Field(() => ParagraphChange, { description: 'ADDED, REMOVED, MODIFIED or UNCHANGED.' })
  change!: ParagraphChange;

  @Field(() => [DiffHunkType], { description: 'Word-level; concatenating EQUAL+DELETE gives the old text, EQUAL+INSERT the new.' })
  hunks!: DiffHunkType[];
}

@ObjectType('Revision', {
  description:
    'A published version of the whole text ("Zero draft", "Rev.1"...; "Adopted text" at adoption): every paragraph\'s label, number, status, section and text at that moment. Readable by every participant of the declaration.',
})
export class RevisionType {
  @Field(() => ID, { description: "The revision's id." })
  id!: string;

  @Field(() => String, { description: '"Zero draft", "Rev.1", "Rev.2", ... unless named explicitly; "Adopted text" at adoption.' })
  name!: string;

  @Field(() => Int, { description: '0 for the first revision, then 1, 2, ...' })
  sequence!: number;

  @Field(() => DateTimeScalar, { description: 'When it was published.' })
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
