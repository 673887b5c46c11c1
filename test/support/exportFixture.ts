/**
 * A declaration to render in the export tests: three sections, labels "1",
 * "2", "2 bis", ..., a DELETED paragraph, text full of markup and awkward
 * characters, and pending amendments with supporters and opponents; and
 * helpers to read Markdown output back. Used by the export unit tests
 * beside the renderers (server/src/drafting/export/*.test.ts).
 */
import type { ExportSource } from '../../server/src/drafting/export/source.js';

export const HOSTILE = {
  script: '<script>alert(1)</script> & "quoted" \'single\' text',
  heading: '# heading *bold* _under_ [link](http://evil.example) <b>raw</b>',
  cdata: 'End of CDATA ]]> then a control\u0001character and emoji 🌍👩🏽‍🌾',
  lines: 'First line\n1. not a list\n---\n> not a quote\n\n    not code',
};

export const DELETED_TEXT = 'This paragraph was DELETED-SECRET and must not appear.';

const at = (iso: string) => new Date(iso);

export function fixture(): ExportSource {
  return {
    declarationId: '6f1c2a9e-0b7d-4c55-9f3e-1a2b3c4d5e6f',
    title: 'Progress Declaration of the International Migration Review Forum',
    forum: 'International Migration Review Forum 2026',
    status: 'DRAFTING',
    revision: null,
    createdAt: at('2026-04-02T09:00:00Z'),
    asOf: at('2026-05-12T14:03:00Z'),
    sections: [
      {
        title: 'I. Introduction & <vision>',
        paragraphs: [
          {
            id: 'p1', label: '1', number: 1, status: 'AGREED', objectives: [], amendments: [],
            text: 'We, the Ministers and representatives, gathered in New York, reaffirm the Global Compact.',
          },
          {
            id: 'p2', label: '2', number: 2, status: 'OPEN', objectives: [17], text: HOSTILE.script,
            amendments: [
              {
                id: 'a1', proposer: 'Mexico', supporters: ['Morocco', 'Philippines'], opponents: ['Germany'],
                quote: '"quoted"', text: 'welcomed *warmly*', rationale: 'Aligns with objective 17 & 16.',
                createdAt: at('2026-05-10T09:00:00Z'),
              },
              {
                id: 'a2', proposer: 'Holy See', supporters: [], opponents: ['Mexico', 'Ecuador'],
                quote: null, text: '', rationale: null, createdAt: at('2026-05-11T10:00:00Z'),
              },
            ],
          },
          {
            id: 'p2b', label: '2 bis', number: 3, status: 'AGREED_AD_REF', objectives: [2, 5],
            text: HOSTILE.heading, amendments: [],
          },
        ],
      },
      {
        title: 'II. Progress, challenges and gaps',
        paragraphs: [
          {
            id: 'p3', label: '3', number: null, status: 'DELETED', objectives: [], text: DELETED_TEXT,
            amendments: [],
          },
          {
            id: 'p4', label: '4', number: 4, status: 'OPEN', objectives: [], text: HOSTILE.cdata,
            amendments: [
              {
                id: 'a3', proposer: 'Philippines', supporters: ['Bangladesh'], opponents: [],
                quote: null, text: 'Replacement\n# not a heading', rationale: 'Clarity <b>now</b>',
                createdAt: at('2026-05-11T11:00:00Z'),
              },
            ],
          },
        ],
      },
      {
        title: 'III. Recommended actions',
        paragraphs: [
          {
            id: 'p5', label: '5', number: 5, status: 'OPEN', objectives: [23], text: HOSTILE.lines,
            amendments: [],
          },
        ],
      },
    ],
  };
}

/** The same declaration as published in revision "Rev.1". */
export function revisionFixture(): ExportSource {
  const source = fixture();
  const publishedAt = at('2026-05-01T16:30:00Z');
  return {
    ...source,
    revision: { id: 'r2', name: 'Rev.1', sequence: 2, publishedAt },
    asOf: publishedAt,
    sections: source.sections.map((s) => ({
      ...s,
      paragraphs: s.paragraphs.map((p) => ({ ...p, amendments: [] })),
    })),
  };
}

// ------------------------------------------- helpers for Markdown outputs

/** Characters that would start Markdown structure if left unescaped. */
const SIGNIFICANT = new Set([...'*_[]<>`~|&#']);

/** The significant characters of `md` that are not backslash-escaped. */
export function unescapedSignificant(md: string): string[] {
  const found: string[] = [];
  for (let i = 0; i < md.length; i++) {
    if (md[i] === '\\') i++;
    else if (SIGNIFICANT.has(md[i]!)) found.push(md[i]!);
  }
  return found;
}

/** What a reader sees: escapes removed, hard breaks back to newlines. */
export function unescapeMarkdown(md: string): string {
  return md.replace(/\\\n\s*/g, '\n').replace(/\\([!-/:-@[-`{-~])/g, '$1');
}
