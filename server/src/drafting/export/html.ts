/**
 * The clean text of a declaration as one self-contained, printable HTML5
 * page: doctype, lang="en", UTF-8, a title, and a small inline stylesheet
 * (serif body, paragraph labels hanging in a left column, print rules that
 * keep a paragraph on one page and a heading with what follows it). Sections
 * are <h2>; each paragraph is a <p> whose label hangs before its text;
 * DELETED paragraphs are left out.
 *
 * Every piece of user text goes through `escapeHtml` (& < > " '), and line
 * breaks in a paragraph become <br />. The markup is also well-formed XML
 * (void elements self-closed, no bare "&" or "<" in the stylesheet), so it
 * can be checked, or transformed, with an XML parser.
 */
import {
  documentName,
  escapeHtml,
  idMaker,
  statusLine,
  visibleParagraphs,
} from './common.js';
import type { ExportSource } from './source.js';

const STYLE = `
  body { font-family: Georgia, "Times New Roman", Times, serif; font-size: 12pt;
    line-height: 1.45; color: #111; max-width: 44em; margin: 2em auto; padding: 0 1em; }
  header { text-align: center; margin-bottom: 2em; }
  h1 { font-size: 1.5em; margin: 0.3em 0; }
  h2 { font-size: 1.15em; margin: 1.6em 0 0.6em; }
  .forum { font-variant: small-caps; letter-spacing: 0.05em; margin: 0; }
  .status { font-style: italic; color: #444; margin: 0; }
  p.para { margin: 0 0 0.7em; padding-left: 4.5em; text-indent: -4.5em; text-align: justify; }
  p.para .label { display: inline-block; box-sizing: border-box; min-width: 4.5em;
    padding-right: 0.5em; text-indent: 0; font-weight: bold; }
  p.para, h2 { break-inside: avoid; page-break-inside: avoid; }
  h2 { break-after: avoid; page-break-after: avoid; }
  @media print {
    @page { margin: 2cm; }
    body { font-size: 11pt; max-width: none; margin: 0; padding: 0; color: #000; }
    .status { color: #000; }
    p.para { orphans: 3; widows: 3; }
  }
`;

/** Escaped text with its line breaks kept as <br />. */
function htmlText(text: string): string {
  return text
    .split(/\r\n|\r|\n|\u2028|\u2029/)
    .map(escapeHtml)
    .join('<br />');
}

export function renderHtml(source: ExportSource): string {
  const paraId = idMaker('para-');
  const out: string[] = [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8" />',
    '<meta name="viewport" content="width=device-width, initial-scale=1" />',
    `<meta name="generator" content="draftroom" />`,
    `<title>${escapeHtml(documentName(source))}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    '<header>',
  ];
  if (source.forum) out.push(`<p class="forum">${escapeHtml(source.forum)}</p>`);
  out.push(
    `<h1>${escapeHtml(source.title)}</h1>`,
    `<p class="status" data-status="${source.status}">${escapeHtml(statusLine(source))}</p>`,
    '</header>',
    '<main>',
  );

  for (const section of source.sections) {
    out.push('<section>', `<h2>${htmlText(section.title)}</h2>`);
    for (const p of visibleParagraphs(section)) {
      out.push(
        `<p class="para" id="${escapeHtml(paraId(p.label))}">` +
          `<span class="label">${escapeHtml(p.label)}.</span>${htmlText(p.text)}</p>`,
      );
    }
    out.push('</section>');
  }

  out.push('</main>', '</body>', '</html>');
  return `${out.join('\n')}\n`;
}
