import { describe, expect, it } from 'vitest';
import { positions, renderCompilation } from './compilation.js';
import {
  DELETED_TEXT,
  fixture,
  revisionFixture,
  unescapeMarkdown,
  unescapedSignificant,
} from '../../../../test/support/exportFixture.js';

/** The list items (amendments) that follow paragraph `label`, as one string. */
function amendmentsOf(md: string, label: string): string {
  const start = md.indexOf(`**${label}.** `);
  expect(start, `paragraph ${label} is rendered`).toBeGreaterThanOrEqual(0);
  const blocks = md.slice(start).split('\n\n');
  return blocks[1]!.startsWith('- ') ? blocks[1]! : '';
}

describe('renderCompilation', () => {
  const md = renderCompilation(fixture());

  it('is headed by the title and says it is the compilation text', () => {
    expect(md.split('\n')[0]).toBe('# Progress Declaration of the International Migration Review Forum');
    expect(md).toContain('_Compilation text · Drafting · current text as of 2026-05-12 14:03 UTC_');
  });

  it('shows every paragraph in order, deleted ones included', () => {
    const labels = [...md.matchAll(/^(?:~~)?\*\*(.+?)\.\*\* /gm)].map((m) => m[1]);
    expect(labels).toEqual(['1', '2', '2 bis', '3', '4', '5']);
  });

  it('strikes a DELETED paragraph through and marks it as deleted', () => {
    expect(md).toContain(`~~**3.** ${DELETED_TEXT}~~ _(deleted)_`);
  });

  it('marks agreed paragraphs and the GCM objectives they address', () => {
    expect(md).toMatch(/^\*\*1\.\*\* .*_\(agreed\)_$/m);
    expect(md).toMatch(/^\*\*2 bis\.\*\* .*_\(agreed ad ref · GCM objectives 2, 5\)_$/m);
    expect(md).toMatch(/^\*\*2\.\*\* .*_\(GCM objective 17\)_$/m);
  });

  it('lists the proposer, supporters and opponents of each amendment by delegation', () => {
    const list = amendmentsOf(md, '2');
    expect(list).toContain('Proposed by Mexico; supported by Morocco, Philippines; opposed by Germany.');
    expect(list).toContain('Proposed by Holy See; opposed by Mexico, Ecuador.');
    expect(amendmentsOf(md, '4')).toContain('Proposed by Philippines; supported by Bangladesh.');
  });

  it('numbers amendments through the document, under the paragraph they amend, oldest first', () => {
    expect([...amendmentsOf(md, '2').matchAll(/^- \*\*(A\d+)\*\*/gm)].map((m) => m[1])).toEqual(['A1', 'A2']);
    expect(amendmentsOf(md, '4')).toMatch(/^- \*\*A3\*\* \(tabled 2026-05-11\)/);
    expect(amendmentsOf(md, '1')).toBe('');
    expect(amendmentsOf(md, '2 bis')).toBe('');
  });

  it('shows what each amendment replaces and what it proposes', () => {
    const list = amendmentsOf(md, '2');
    expect(list).toContain('Replaces: “"quoted"”\\\n  Proposed text: “welcomed \\*warmly\\*”');
    expect(list).toContain('Replaces: the whole paragraph\\\n  Proposes: **delete**');
    expect(amendmentsOf(md, '4')).toContain('Replaces: the whole paragraph\\\n  Proposed text: “Replacement');
  });

  it('shows the rationale when there is one', () => {
    expect(amendmentsOf(md, '2')).toContain('Rationale: Aligns with objective 17 \\& 16.');
    expect(amendmentsOf(md, '2').match(/Rationale:/g)).toHaveLength(1);
  });

  it('escapes user text in paragraphs and amendments, keeping multi-line text inside its item', () => {
    const list = amendmentsOf(md, '4');
    expect(list).toContain('“Replacement\\\n  \\# not a heading”');
    expect(list).toContain('Rationale: Clarity \\<b\\>now\\</b\\>');
    const userParts = list.split(/\*\*A\d+\*\*|\*\*delete\*\*/).join('');
    expect(unescapedSignificant(userParts)).toEqual([]);
    expect(md).not.toContain('<script>');
    expect(md.split('\n').filter((l) => /^#/.test(l) && !/^##? /.test(l))).toEqual([]);
    expect(unescapeMarkdown(list)).toContain('Replacement\n# not a heading');
  });

  it('escapes delegation names too', () => {
    const line = positions({
      ...fixture().sections[0]!.paragraphs[1]!.amendments[0]!,
      proposer: '*Evil* [state](x)',
      supporters: [],
      opponents: [],
    });
    expect(line).toBe('Proposed by \\*Evil\\* \\[state\\](x).');
  });

  it('shows a revision as its paragraphs alone, since revisions carry no amendments', () => {
    const out = renderCompilation(revisionFixture());
    expect(out).toContain('Rev.1 (revision 2)');
    expect(out).not.toContain('Proposed by');
    expect(out).toContain('~~**3.**');
  });
});
