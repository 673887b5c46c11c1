import { XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { renderHtml } from './html.js';
import { DELETED_TEXT, fixture, revisionFixture } from '../../../../test/support/exportFixture.js';

const VOID = new Set(['meta', 'br', 'link', 'img', 'hr', 'input']);

/** Checks that start and end tags nest; returns the problems found. */
function tagProblems(html: string): string[] {
  const body = html.replace(/<!DOCTYPE html>/i, '').replace(/<style>[\s\S]*?<\/style>/, '');
  const stack: string[] = [];
  const problems: string[] = [];
  for (const [, close, name, selfClose] of body.matchAll(/<(\/?)([a-zA-Z][a-zA-Z0-9]*)\b[^<>]*?(\/?)>/g)) {
    const tag = name!.toLowerCase();
    if (VOID.has(tag) || selfClose) continue;
    if (!close) stack.push(tag);
    else if (stack.pop() !== tag) problems.push(`unexpected </${tag}>`);
  }
  return [...problems, ...stack.map((t) => `unclosed <${t}>`)];
}

/** The text of the element `<p ... id="id">`, tags removed and entities decoded. */
function paragraphText(html: string, id: string): string {
  const m = html.match(new RegExp(`<p class="para" id="${id}"><span class="label">[^<]*</span>(.*?)</p>`));
  expect(m, `paragraph ${id} is rendered`).not.toBeNull();
  return m![1]!
    .replace(/<br \/>/g, '\n')
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

describe('renderHtml', () => {
  const html = renderHtml(fixture());

  it('is a complete HTML5 page in English and UTF-8, with the title', () => {
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8" />')).toBe(true);
    expect(html).toContain(
      '<title>Progress Declaration of the International Migration Review Forum</title>',
    );
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
  });

  it('is well-formed: tags nest and close, and it even parses as XML', () => {
    expect(tagProblems(html)).toEqual([]);
    expect(XMLValidator.validate(html)).toBe(true);
    expect(html.match(/<h2>/g)).toHaveLength(3);
    expect(html.match(/<p class="para"/g)).toHaveLength(5);
  });

  it('carries a print-friendly stylesheet: serif body, hanging labels, print rules', () => {
    expect(html).toMatch(/body \{[^}]*font-family:[^}]*serif/);
    expect(html).toMatch(/text-indent: -4\.5em/);
    expect(html).toContain('@media print');
    expect(html).toMatch(/p\.para[^{]*\{[^}]*page-break-inside: avoid/);
  });

  it('shows the forum, the title as h1 and the status line', () => {
    expect(html).toContain('<p class="forum">International Migration Review Forum 2026</p>');
    expect(html).toContain('<h1>Progress Declaration of the International Migration Review Forum</h1>');
    expect(html).toContain('Drafting · current text as of 2026-05-12 14:03 UTC</p>');
  });

  it('renders each paragraph with its label, and no DELETED paragraph', () => {
    const labels = [...html.matchAll(/<span class="label">([^<]*)<\/span>/g)].map((m) => m[1]);
    expect(labels).toEqual(['1.', '2.', '2 bis.', '4.', '5.']);
    expect(html).not.toContain('DELETED-SECRET');
    expect(html).not.toContain(DELETED_TEXT.slice(0, 20));
  });

  it('escapes all user text: no script, no raw tags, quotes as entities', () => {
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<b>raw');
    expect(html).toContain(
      '&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quoted&quot; &#39;single&#39; text',
    );
    expect(html).toContain('<h2>I. Introduction &amp; &lt;vision&gt;</h2>');
    expect(html).not.toMatch(/&(?!amp;|lt;|gt;|quot;|#39;)/);
  });

  it('keeps the text intact once decoded, less control characters', () => {
    const source = fixture();
    expect(paragraphText(html, 'para-2')).toBe(source.sections[0]!.paragraphs[1]!.text);
    expect(paragraphText(html, 'para-2_bis')).toBe(source.sections[0]!.paragraphs[2]!.text);
    expect(paragraphText(html, 'para-4')).toBe(
      source.sections[1]!.paragraphs[1]!.text.replace('\u0001', ''),
    );
    expect(html).not.toContain('\u0001');
    expect(paragraphText(html, 'para-5')).toBe(source.sections[2]!.paragraphs[0]!.text);
  });

  it('escapes a hostile label in the id attribute and the label', () => {
    const source = fixture();
    source.sections[0]!.paragraphs[0]!.label = '1" onmouseover="x';
    const out = renderHtml(source);
    expect(out).toContain('id="para-1_onmouseoverx"');
    expect(out).toContain('<span class="label">1&quot; onmouseover=&quot;x.</span>');
    expect(XMLValidator.validate(out)).toBe(true);
  });

  it('names the revision in the title and status line when exporting one', () => {
    const out = renderHtml({ ...revisionFixture(), status: 'ADOPTED' });
    expect(out).toContain('<title>Progress Declaration of the International Migration Review Forum — Rev.1</title>');
    expect(out).toContain('Adopted · Rev.1 (revision 2), published 2026-05-01 16:30 UTC');
  });

  it('says when the declaration is under silence procedure', () => {
    expect(renderHtml({ ...fixture(), status: 'SILENCE_PROCEDURE' })).toContain(
      '<p class="status" data-status="SILENCE_PROCEDURE">Under silence procedure · ',
    );
  });
});
