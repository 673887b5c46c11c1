/**
 * What an export renders: a declaration's text at one moment (now, or a
 * published revision), independent of where it came from. Built by
 * `exportSource` (exportSource.ts); rendered by the pure renderers of this
 * folder (markdown.ts, html.ts, akomaNtoso.ts, compilation.ts).
 */

export type ExportParagraphStatus = 'OPEN' | 'AGREED_AD_REF' | 'AGREED' | 'DELETED';

export interface ExportAmendment {
  id: string;
  /** The delegation (or name) that tabled it. */
  proposer: string;
  supporters: string[];
  opponents: string[];
  /** The anchored text it replaces; null: the whole paragraph. */
  quote: string | null;
  /** Replacement text; "" proposes deletion. */
  text: string;
  rationale: string | null;
  createdAt: Date;
}

export interface ExportParagraph {
  id: string;
  label: string;
  /** null when DELETED. */
  number: number | null;
  text: string;
  status: ExportParagraphStatus;
  objectives: number[];
  /** Pending amendments, oldest first (only filled for the current text; [] for a revision). */
  amendments: ExportAmendment[];
}

export interface ExportSection {
  title: string;
  paragraphs: ExportParagraph[];
}

export interface ExportSource {
  declarationId: string;
  title: string;
  forum: string | null;
  status: 'DRAFTING' | 'SILENCE_PROCEDURE' | 'ADOPTED';
  /** The revision exported, or null for the current text. */
  revision: { id: string; name: string; sequence: number; publishedAt: Date } | null;
  /** When the declaration was created (dates its Akoma Ntoso Work, which stays the same across exports). */
  createdAt: Date;
  /** When the source was taken (now, or the revision's publication). */
  asOf: Date;
  sections: ExportSection[];
}
