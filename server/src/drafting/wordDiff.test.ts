import { describe, it, expect } from 'vitest';
import {
  diffRevisions,
  MAX_EDIT_TOKENS,
  wordDiff,
  type DiffHunk,
  type RevisionParagraphLike,
} from './wordDiff.js';
import { mulberry32 } from '../../../test/support/random.js';


const PIECES = [
  'migrants', 'Member', 'States', 'rights', 'the', 'of', 'GCM', '2022', 'réfugiés', 'Ñandú',
  'مهاجرين', '移民', 'мигранты', '🌍', '👩🏽‍⚖️', 'e\u0301', '\u00a0', '\t', '\n', '\r\n', '\r',
  ' ', ' ', ' ', '   ', ',', '.', ';', '«', '»', '—', '(', ')', '"', "'", '-', '\ud800', '',
];

function randomText(random: () => number, maxPieces: number): string {
  const count = Math.floor(random() * (maxPieces + 1));
  return Array.from({ length: count }, () => PIECES[Math.floor(random() * PIECES.length)]!).join('');
}

/** A variant of a text: a few pieces replaced, inserted or deleted. */
function mutate(text: string, random: () => number): string {
  let result = text;
  for (let edits = Math.floor(random() * 4); edits > 0; edits--) {
    const at = Math.floor(random() * (result.length + 1));
    const cut = Math.floor(random() * 6);
    result = result.slice(0, at) + randomText(random, 2) + result.slice(at + cut);
  }
  return result;
}

const join = (hunks: DiffHunk[], ops: string[]): string =>
  hunks.filter((h) => ops.includes(h.op)).map((h) => h.text).join('');

function expectWellFormed(hunks: DiffHunk[], oldText: string, newText: string): void {
  expect(join(hunks, ['EQUAL', 'DELETE'])).toBe(oldText);
  expect(join(hunks, ['EQUAL', 'INSERT'])).toBe(newText);
  expect(hunks.every((h) => h.text !== '')).toBe(true);
  for (let i = 1; i < hunks.length; i++) expect(hunks[i]!.op).not.toBe(hunks[i - 1]!.op);
}

describe('wordDiff', () => {
  it('gives one EQUAL hunk for identical texts, and none for two empty texts', () => {
    expect(wordDiff('Member States', 'Member States')).toEqual([{ op: 'EQUAL', text: 'Member States' }]);
    expect(wordDiff('', '')).toEqual([]);
  });

  it('gives one INSERT from an empty text and one DELETE to an empty text', () => {
    expect(wordDiff('', 'We commit')).toEqual([{ op: 'INSERT', text: 'We commit' }]);
    expect(wordDiff('We commit', '')).toEqual([{ op: 'DELETE', text: 'We commit' }]);
  });

  it('compares whole words, not characters', () => {
    expect(wordDiff('We recognize the progress', 'We welcome the progress')).toEqual([
      { op: 'EQUAL', text: 'We ' },
      { op: 'DELETE', text: 'recognize' },
      { op: 'INSERT', text: 'welcome' },
      { op: 'EQUAL', text: ' the progress' },
    ]);
  });

  it('shows an inserted word as one INSERT', () => {
    expect(wordDiff('safe and regular', 'safe, orderly and regular')).toEqual([
      { op: 'EQUAL', text: 'safe' },
      { op: 'INSERT', text: ', orderly' },
      { op: 'EQUAL', text: ' and regular' },
    ]);
  });

  it('shows a deleted word with its punctuation as one DELETE', () => {
    expect(wordDiff('safe, orderly and regular', 'safe and regular')).toEqual([
      { op: 'EQUAL', text: 'safe' },
      { op: 'DELETE', text: ', orderly' },
      { op: 'EQUAL', text: ' and regular' },
    ]);
  });

  it('folds the spaces between replaced words into one DELETE and one INSERT', () => {
    expect(wordDiff('a b c', 'x y z')).toEqual([
      { op: 'DELETE', text: 'a b c' },
      { op: 'INSERT', text: 'x y z' },
    ]);
  });

  it('keeps runs of whitespace exactly', () => {
    const hunks = wordDiff('one  two\t three\n', 'one two\t\tthree\r\n');
    expectWellFormed(hunks, 'one  two\t three\n', 'one two\t\tthree\r\n');
  });

  it('keeps surrogate pairs and accents whole', () => {
    const hunks = wordDiff('Les réfugiés 🌍 arrivent', 'Les réfugiées 🌎 arrivent');
    expectWellFormed(hunks, 'Les réfugiés 🌍 arrivent', 'Les réfugiées 🌎 arrivent');
    expect(hunks.map((h) => h.text)).toContain('réfugiés 🌍');
  });

  it('rebuilds both texts from random unicode, punctuation and whitespace', () => {
    const random = mulberry32(42);
    for (let round = 0; round < 2000; round++) {
      const oldText = randomText(random, 30);
      const newText = random() < 0.5 ? mutate(oldText, random) : randomText(random, 30);
      expectWellFormed(wordDiff(oldText, newText), oldText, newText);
    }
  });

  it('falls back to replacing the middle, cut at whitespace, when the texts differ too much', () => {
    const words = (prefix: string): string =>
      Array.from({ length: MAX_EDIT_TOKENS }, (_, i) => `${prefix}${i}`).join(' ');
    const oldText = `Common start ${words('old')} common end.`;
    const newText = `Common start ${words('new')} common end.`;
    const hunks = wordDiff(oldText, newText);
    expectWellFormed(hunks, oldText, newText);
    expect(hunks).toHaveLength(4);
    expect(hunks[0]).toEqual({ op: 'EQUAL', text: 'Common start ' });
    expect(hunks[3]).toEqual({ op: 'EQUAL', text: ' common end.' });
  });
});

function paragraph(
  paragraphId: string,
  text: string,
  status: RevisionParagraphLike['status'] = 'OPEN',
  label = paragraphId,
): RevisionParagraphLike {
  return { paragraphId, label, text, status };
}

const summary = (results: ReturnType<typeof diffRevisions>): string[] =>
  results.map((r) => `${r.paragraphId}:${r.change}`);

describe('diffRevisions', () => {
  it('reports every live paragraph as ADDED against no older revision', () => {
    const results = diffRevisions(null, [paragraph('a', 'First.'), paragraph('b', 'Gone.', 'DELETED')]);
    expect(results).toEqual([
      { paragraphId: 'a', label: 'a', change: 'ADDED', hunks: [{ op: 'INSERT', text: 'First.' }] },
    ]);
  });

  it('reports UNCHANGED with one EQUAL hunk, MODIFIED with the word diff', () => {
    const results = diffRevisions(
      [paragraph('a', 'Same.'), paragraph('b', 'We note.')],
      [paragraph('a', 'Same.', 'AGREED'), paragraph('b', 'We welcome.')],
    );
    expect(results).toEqual([
      { paragraphId: 'a', label: 'a', change: 'UNCHANGED', hunks: [{ op: 'EQUAL', text: 'Same.' }] },
      { paragraphId: 'b', label: 'b', change: 'MODIFIED', hunks: wordDiff('We note.', 'We welcome.') },
    ]);
  });

  it('reports a paragraph DELETED in the older and live in the newer as ADDED', () => {
    const results = diffRevisions([paragraph('a', 'Back.', 'DELETED')], [paragraph('a', 'Back again.')]);
    expect(results).toEqual([
      { paragraphId: 'a', label: 'a', change: 'ADDED', hunks: [{ op: 'INSERT', text: 'Back again.' }] },
    ]);
  });

  it('reports a paragraph DELETED in the newer as REMOVED, in its newer place and with its older text', () => {
    const results = diffRevisions(
      [paragraph('a', 'Old text.'), paragraph('b', 'B.')],
      [paragraph('b', 'B.'), paragraph('a', 'Old text, edited.', 'DELETED')],
    );
    expect(summary(results)).toEqual(['b:UNCHANGED', 'a:REMOVED']);
    expect(results[1]!.hunks).toEqual([{ op: 'DELETE', text: 'Old text.' }]);
  });

  it('places a paragraph absent from the newer after the one that preceded it in the older', () => {
    const results = diffRevisions(
      [paragraph('a', 'A.'), paragraph('x', 'X.'), paragraph('y', 'Y.'), paragraph('b', 'B.')],
      [paragraph('b', 'B.'), paragraph('a', 'A.')],
    );
    expect(summary(results)).toEqual(['b:UNCHANGED', 'a:UNCHANGED', 'x:REMOVED', 'y:REMOVED']);
  });

  it('places paragraphs removed from the start of the older at the start', () => {
    const results = diffRevisions([paragraph('x', 'X.'), paragraph('a', 'A.')], [paragraph('a', 'A.')]);
    expect(summary(results)).toEqual(['x:REMOVED', 'a:UNCHANGED']);
  });

  it('anchors a removed paragraph on a preceding one left out of the diff', () => {
    const results = diffRevisions(
      [paragraph('d', 'D.', 'DELETED'), paragraph('x', 'X.'), paragraph('a', 'A.')],
      [paragraph('a', 'A.'), paragraph('d', 'D.', 'DELETED')],
    );
    expect(summary(results)).toEqual(['a:UNCHANGED', 'x:REMOVED']);
  });

  it('leaves out paragraphs DELETED in both, or absent from one and DELETED in the other', () => {
    const results = diffRevisions(
      [paragraph('both', 'B.', 'DELETED'), paragraph('oldOnly', 'O.', 'DELETED')],
      [paragraph('both', 'B.', 'DELETED'), paragraph('newOnly', 'N.', 'DELETED')],
    );
    expect(results).toEqual([]);
  });

  it("labels with the newer revision's label, else the older's", () => {
    const results = diffRevisions(
      [paragraph('a', 'A.', 'OPEN', '3'), paragraph('x', 'X.', 'OPEN', '4')],
      [paragraph('a', 'A.', 'OPEN', '2')],
    );
    expect(results.map((r) => r.label)).toEqual(['2', '4']);
  });

  it('gives no hunk for empty texts', () => {
    const results = diffRevisions(
      [paragraph('same', ''), paragraph('gone', '')],
      [paragraph('same', ''), paragraph('gone', '', 'DELETED'), paragraph('new', '')],
    );
    expect(results.map((r) => [r.change, r.hunks])).toEqual([
      ['UNCHANGED', []],
      ['REMOVED', []],
      ['ADDED', []],
    ]);
  });

  it('rebuilds the older and newer texts of every paragraph in random revisions', () => {
    const random = mulberry32(2022);
    const statuses = ['OPEN', 'AGREED_AD_REF', 'AGREED', 'DELETED'] as const;
    const randomStatus = (): RevisionParagraphLike['status'] => statuses[Math.floor(random() * 4)]!;
    for (let round = 0; round < 200; round++) {
      const older = Array.from({ length: Math.floor(random() * 12) }, (_, i) =>
        paragraph(`p${i}`, randomText(random, 12), randomStatus()),
      );
      const newer = older
        .filter(() => random() < 0.8)
        .map((p) => paragraph(p.paragraphId, random() < 0.5 ? p.text : mutate(p.text, random), randomStatus()))
        .concat(paragraph(`n${round}`, randomText(random, 8), randomStatus()))
        .sort(() => random() - 0.5);
      const results = diffRevisions(older, newer);
      const oldById = new Map(older.map((p) => [p.paragraphId, p]));
      const newById = new Map(newer.map((p) => [p.paragraphId, p]));
      const live = (p: RevisionParagraphLike | undefined): boolean => p !== undefined && p.status !== 'DELETED';
      const expectedIds = [...new Set([...oldById.keys(), ...newById.keys()])].filter(
        (id) => live(oldById.get(id)) || live(newById.get(id)),
      );
      expect(results.map((r) => r.paragraphId).sort()).toEqual(expectedIds.sort());
      for (const result of results) {
        const oldText = live(oldById.get(result.paragraphId)) ? oldById.get(result.paragraphId)!.text : '';
        const newText = live(newById.get(result.paragraphId)) ? newById.get(result.paragraphId)!.text : '';
        expectWellFormed(result.hunks, oldText, newText);
      }
    }
  });
});
