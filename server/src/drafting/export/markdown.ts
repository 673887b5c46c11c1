/**
 * The clean text of a declaration as Markdown: the title as a level-1
 * heading, the forum and a status line below it, each section as a level-2
 * heading, and each paragraph as one block starting with its bold label
 * ("**21 bis.** text"). DELETED paragraphs are left out: this is the text as
 * it stands, not the working document (see compilation.ts for that).
 *
 * All user text goes through `escapeMarkdown`, so a paragraph that starts
 * with "#" or contains "*", "_", "[" or "<" reads literally and can never add
 * a heading, emphasis, a link or raw HTML.
 */
import {
  escapeMarkdown,
  escapeMarkdownInline,
  statusLine,
  visibleParagraphs,
} from './common.js';
import type { ExportSource } from './source.js';

export function renderMarkdown(source: ExportSource): string {
  const blocks: string[] = [`# ${escapeMarkdownInline(source.title)}`];
  if (source.forum) blocks.push(escapeMarkdownInline(source.forum));
  blocks.push(`_${escapeMarkdownInline(statusLine(source))}_`);

  for (const section of source.sections) {
    blocks.push(`## ${escapeMarkdownInline(section.title)}`);
    for (const paragraph of visibleParagraphs(section)) {
      const label = `**${escapeMarkdownInline(paragraph.label)}.**`;
      const text = escapeMarkdown(paragraph.text);
      blocks.push(text ? `${label} ${text}` : label);
    }
  }
  return `${blocks.join('\n\n')}\n`;
}
