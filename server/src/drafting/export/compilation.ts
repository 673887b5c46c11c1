/**
 * The compilation text, as Markdown: the working document of the room. Every
 * paragraph is shown in order, DELETED ones struck through and marked, each
 * followed by the amendments pending on it, oldest first. An amendment shows
 * what it replaces (the quoted text, or the whole paragraph), what it
 * proposes (new text, or deletion), who tabled, supported and opposed it, by
 * delegation ("Proposed by Mexico; supported by Morocco, Philippines; opposed
 * by Germany"), and its rationale. Amendments are numbered A1, A2, ...
 * through the document so that the room can refer to them.
 *
 * User text is escaped exactly as in markdown.ts.
 */
import { escapeMarkdown, escapeMarkdownInline, statusLine } from './common.js';
import type { ExportAmendment, ExportParagraph, ExportSource } from './source.js';

const STATUS_NOTE: Record<ExportParagraph['status'], string | null> = {
  OPEN: null,
  AGREED_AD_REF: 'agreed ad ref',
  AGREED: 'agreed',
  DELETED: 'deleted',
};

/** Continuation lines of a list item are indented by two spaces. */
const ITEM = '  ';

const quoted = (text: string): string => `“${escapeMarkdown(text, ITEM)}”`;

const names = (list: string[]): string => list.map(escapeMarkdownInline).join(', ');

/** "Proposed by Mexico; supported by Morocco, Philippines; opposed by Germany." */
export function positions(amendment: ExportAmendment): string {
  const parts = [`Proposed by ${escapeMarkdownInline(amendment.proposer)}`];
  if (amendment.supporters.length) parts.push(`supported by ${names(amendment.supporters)}`);
  if (amendment.opponents.length) parts.push(`opposed by ${names(amendment.opponents)}`);
  return `${parts.join('; ')}.`;
}

function amendmentItem(amendment: ExportAmendment, n: number): string {
  const replaces =
    amendment.quote === null ? 'the whole paragraph' : quoted(amendment.quote);
  const proposes =
    amendment.text.trim() === '' ? 'Proposes: **delete**' : `Proposed text: ${quoted(amendment.text)}`;
  const lines = [
    `**A${n}** (tabled ${amendment.createdAt.toISOString().slice(0, 10)}) · Replaces: ${replaces}`,
    proposes,
    positions(amendment),
  ];
  const rationale = amendment.rationale ? escapeMarkdown(amendment.rationale, ITEM) : '';
  if (rationale) lines.push(`Rationale: ${rationale}`);
  return `- ${lines.join(`\\\n${ITEM}`)}`;
}

function paragraphBlock(paragraph: ExportParagraph): string {
  const label = `**${escapeMarkdownInline(paragraph.label)}.**`;
  const text = escapeMarkdown(paragraph.text);
  const notes = [STATUS_NOTE[paragraph.status]];
  if (paragraph.objectives.length) {
    const s = paragraph.objectives.length > 1 ? 's' : '';
    notes.push(`GCM objective${s} ${paragraph.objectives.join(', ')}`);
  }
  const note = notes.filter(Boolean).join(' · ');
  const body = text ? `${label} ${text}` : label;
  if (paragraph.status === 'DELETED') return `~~${body}~~ _(${note})_`;
  return note ? `${body} _(${note})_` : body;
}

export function renderCompilation(source: ExportSource): string {
  const blocks: string[] = [`# ${escapeMarkdownInline(source.title)}`];
  if (source.forum) blocks.push(escapeMarkdownInline(source.forum));
  blocks.push(`_Compilation text · ${escapeMarkdownInline(statusLine(source))}_`);

  let n = 0;
  for (const section of source.sections) {
    blocks.push(`## ${escapeMarkdownInline(section.title)}`);
    for (const paragraph of section.paragraphs) {
      blocks.push(paragraphBlock(paragraph));
      if (paragraph.amendments.length) {
        blocks.push(paragraph.amendments.map((a) => amendmentItem(a, ++n)).join('\n'));
      }
    }
  }
  return `${blocks.join('\n\n')}\n`;
}
