import { describe, expect, it } from 'vitest';
import { renderMarkdown } from './markdown.js';
import {
  DELETED_TEXT,
  HOSTILE,
  fixture,
  revisionFixture,
  unescapeMarkdown,
  unescapedSignificant,
} from '../../../../test/support/exportFixture.js';

/** The rendered body of paragraph `label` (the text after "**label.** "). */
function bodyOf(md: string, label: string): string {
  const start = md.indexOf(`**${label}.** `);
  expect(start, `paragraph ${label} is rendered`).toBeGreaterThanOrEqual(0);
  const rest = md.slice(start + label.length + 6);
  return rest.slice(0, rest.search(/\n\n|\n$/));
}

describe('renderMarkdown', () => {
  const md = renderMarkdown(fixture());

  it('starts with the title as the only level-1 heading, then the forum and status', () => {
    const lines = md.split('\n');
    expect(lines[0]).toBe('# Progress Declaration of the International Migration Review Forum');
    expect(lines.filter((l) => l.startsWith('# '))).toHaveLength(1);
    expect(md).toContain('\n\nInternational Migration Review Forum 2026\n\n');
    expect(md).toContain('_Drafting · current text as of 2026-05-12 14:03 UTC_');
  });

  it('renders each section as a level-2 heading, in order, with its title escaped', () => {
    const headings = md.split('\n').filter((l) => l.startsWith('## '));
    expect(headings).toEqual([
      '## I. Introduction \\& \\<vision\\>',
      '## II. Progress, challenges and gaps',
      '## III. Recommended actions',
    ]);
  });

  it('renders every paragraph that is not deleted with its bold label, in order', () => {
    const labels = [...md.matchAll(/^\*\*(.+?)\.\*\* /gm)].map((m) => m[1]);
    expect(labels).toEqual(['1', '2', '2 bis', '4', '5']);
  });

  it('leaves DELETED paragraphs out entirely', () => {
    expect(md).not.toContain('**3.**');
    expect(md).not.toContain('DELETED-SECRET');
    expect(md).not.toContain(DELETED_TEXT.slice(0, 20));
  });

  it('escapes user text so that it adds no heading, emphasis, link or HTML', () => {
    for (const label of ['2', '2 bis', '4', '5']) {
      expect(unescapedSignificant(bodyOf(md, label)), `paragraph ${label}`).toEqual([]);
    }
    expect(bodyOf(md, '2 bis')).toBe(
      '\\# heading \\*bold\\* \\_under\\_ \\[link\\](http://evil.example) \\<b\\>raw\\</b\\>',
    );
    expect(md).not.toContain('<script>');
  });

  it('keeps the text readable: unescaping gives back what was typed', () => {
    expect(unescapeMarkdown(bodyOf(md, '2'))).toBe(HOSTILE.script);
    expect(unescapeMarkdown(bodyOf(md, '2 bis'))).toBe(HOSTILE.heading);
    expect(unescapeMarkdown(bodyOf(md, '4'))).toBe(HOSTILE.cdata.replace('\u0001', ''));
  });

  it('keeps line breaks as hard breaks in one block, so no line can start a list, quote or rule', () => {
    const body = bodyOf(md, '5');
    expect(body).toBe('First line\\\n1\\. not a list\\\n\\---\\\n\\> not a quote\\\nnot code');
    expect(body).not.toContain('\n\n');
    expect(md.split('\n').filter((l) => /^(\d+[.)]|[-+>=]|\s{4})/.test(l))).toEqual([]);
  });

  it('drops control characters and keeps emoji', () => {
    expect(md).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/);
    expect(md).toContain('🌍👩🏽‍🌾');
  });

  it('names the revision in the status line when exporting a revision', () => {
    expect(renderMarkdown(revisionFixture())).toContain(
      '_Drafting · Rev.1 (revision 2), published 2026-05-01 16:30 UTC_',
    );
  });

  it('says when the declaration is under silence procedure or adopted', () => {
    expect(renderMarkdown({ ...fixture(), status: 'SILENCE_PROCEDURE' })).toContain(
      '_Under silence procedure · ',
    );
    expect(renderMarkdown({ ...fixture(), status: 'ADOPTED' })).toContain('_Adopted · ');
  });

  it('leaves out the forum line when there is no forum', () => {
    const lines = renderMarkdown({ ...fixture(), forum: null }).split('\n');
    expect(lines[2]).toMatch(/^_Drafting/);
  });
});
