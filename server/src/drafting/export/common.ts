/**
 * What the export renderers share: escaping user text for Markdown, HTML and
 * XML, the human status line ("Drafting · Rev.1, published ..."), and
 * identifiers derived from paragraph labels.
 *
 * Everything a participant typed (titles, paragraph text, amendment quotes,
 * rationales, delegation names) is untrusted: it must come out as text, never
 * as structure. The escapers here are the only way renderers emit it.
 */
import type { ExportParagraph, ExportSection, ExportSource } from './source.js';

// ---------------------------------------------------------------- Markdown

/** ASCII punctuation that can start inline structure anywhere on a line. */
const MD_INLINE = /[\\`*_[\]<>~|&#]/g;

/** Escapes one line of Markdown, including what is significant at its start. */
function escapeMarkdownLine(line: string): string {
  let out = line.replace(MD_INLINE, (c) => `\\${c}`);
  // Block markers only count at the start of a line: lists ("-", "+", "1."),
  // setext underlines ("=", "-"), and headings/quotes (already escaped).
  out = out.replace(/^([-+=])/, '\\$1').replace(/^(\d{1,9})([.)])/, '$1\\$2');
  return out;
}

/**
 * Escapes user text so that Markdown renders it literally. Line breaks are
 * kept as hard breaks inside one block (blank lines would otherwise end the
 * block and let the next line start a heading, list, quote or code block);
 * `indent` prefixes continuation lines, e.g. to stay inside a list item.
 */
export function escapeMarkdown(text: string, indent = ''): string {
  const lines = stripInvalidXmlChars(text)
    .split(/\r\n|\r|\n|\u2028|\u2029/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  return lines.map(escapeMarkdownLine).join(`\\\n${indent}`);
}

/** Escapes user text that must stay on one line (headings, names). */
export function escapeMarkdownInline(text: string): string {
  return escapeMarkdownLine(stripInvalidXmlChars(text).replace(/\s+/g, ' ').trim());
}

// -------------------------------------------------------------------- HTML

const HTML_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return stripInvalidXmlChars(text).replace(/[&<>"']/g, (c) => HTML_ENTITIES[c]!);
}

// --------------------------------------------------------------------- XML

/**
 * Removes what XML 1.0 does not allow at all (C0 controls other than tab,
 * newline and carriage return; lone surrogates; U+FFFE and U+FFFF).
 */
export function stripInvalidXmlChars(text: string): string {
  return text.replace(
    /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu,
    '',
  );
}

/**
 * Escapes text for XML element content or a double-quoted attribute value.
 * Whitespace other than spaces is written as character references in
 * attributes, where a parser would otherwise normalise it to spaces; a
 * carriage return is always a reference, or a parser would turn it into \n.
 */
export function escapeXml(text: string, attribute = false): string {
  const clean = stripInvalidXmlChars(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\r/g, '&#xD;');
  return attribute ? clean.replace(/\n/g, '&#xA;').replace(/\t/g, '&#x9;') : clean;
}

// ------------------------------------------------------------ shared prose

const STATUS_WORDS: Record<ExportSource['status'], string> = {
  DRAFTING: 'Drafting',
  SILENCE_PROCEDURE: 'Under silence procedure',
  ADOPTED: 'Adopted',
};

/** "2026-05-12" */
export function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** "2026-05-12 14:03 UTC" */
export function isoMinute(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/**
 * The plain-text status line: the declaration's status, then either the
 * revision exported or the moment the current text was taken. Not escaped.
 */
export function statusLine(source: ExportSource): string {
  const status = STATUS_WORDS[source.status];
  if (source.revision) {
    const r = source.revision;
    return `${status} · ${r.name} (revision ${r.sequence}), published ${isoMinute(r.publishedAt)}`;
  }
  return `${status} · current text as of ${isoMinute(source.asOf)}`;
}

/** The heading-style name of the export: "Title — Rev.1" or the title. */
export function documentName(source: ExportSource): string {
  return source.revision ? `${source.title} — ${source.revision.name}` : source.title;
}

/** The paragraphs of a section that a clean text shows (not DELETED). */
export function visibleParagraphs(section: ExportSection): ExportParagraph[] {
  return section.paragraphs.filter((p) => p.status !== 'DELETED');
}

/**
 * Makes identifiers from labels: `prefix` + the label with whitespace as "_"
 * and anything outside [A-Za-z0-9_.-] dropped ("2 bis" → "para_2_bis").
 * Each call of the returned function gives a new identifier: a clash (two
 * labels that sanitise alike) gets a suffix "-2", "-3", ...
 */
export function idMaker(prefix: string): (label: string) => string {
  const used = new Set<string>();
  return (label) => {
    const cleaned = label
      .trim()
      .replace(/\s+/g, '_')
      .replace(/[^A-Za-z0-9_.-]/g, '');
    const base = prefix + (cleaned || 'x');
    let id = base;
    for (let n = 2; used.has(id); n++) id = `${base}-${n}`;
    used.add(id);
    return id;
  };
}
