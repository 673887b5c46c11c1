import { describe, it, expect } from 'vitest';
import {
  diffRevisions,
  MAX_EDIT_TOKENS,
  wordDiff,
  type DiffHunk,
  type RevisionParagraphLike,
} from './wordDiff.js';
import { wordTokens } from './wordTokens.js';
import { mulberry32 } from '../../../test/support/random.js';


const PIECES = [
  'migrants', 'Member', 'States', 'rights', 'the', 'of', 'GCM', '2022', 'réfugiés', 'Ñandú',
  'مهاجرين', '移民', 'мигранты', 'Договора', 'التزامنا', '全球契约', 'می\u200Cخواهم', '🌍', '👩🏽‍⚖️', 'e\u0301', '\u00a0', '\t', '\n', '\r\n', '\r',
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

  // Arabic, Chinese and Russian are three of the six UN languages: a word is one token in each.
  it('compares whole Russian words (Cyrillic was cut into letters)', () => {
    expect(wordDiff('Мы признаём достигнутый прогресс.', 'Мы приветствуем достигнутый прогресс.')).toEqual([
      { op: 'EQUAL', text: 'Мы ' },
      { op: 'DELETE', text: 'признаём' },
      { op: 'INSERT', text: 'приветствуем' },
      { op: 'EQUAL', text: ' достигнутый прогресс.' },
    ]);
  });

  it('shows an inserted Russian word with its comma as one INSERT', () => {
    expect(wordDiff('безопасной и регулярной миграции', 'безопасной, упорядоченной и регулярной миграции')).toEqual([
      { op: 'EQUAL', text: 'безопасной' },
      { op: 'INSERT', text: ', упорядоченной' },
      { op: 'EQUAL', text: ' и регулярной миграции' },
    ]);
  });

  it('compares whole Arabic words, with their prefixes, diacritics and joiners', () => {
    expect(wordDiff('نرحب بالتقدم المحرز في تنفيذ الاتفاق', 'نلاحظ التقدم المحرز في تنفيذ الاتفاق')).toEqual([
      { op: 'DELETE', text: 'نرحب بالتقدم' },
      { op: 'INSERT', text: 'نلاحظ التقدم' },
      { op: 'EQUAL', text: ' المحرز في تنفيذ الاتفاق' },
    ]);
    // A vowel mark (U+064E FATHA) and a zero-width non-joiner (U+200C, Persian) stay inside their word.
    expect(wordDiff('حَقّ المهاجرين', 'حَقّ اللاجئين')).toEqual([
      { op: 'EQUAL', text: 'حَقّ ' },
      { op: 'DELETE', text: 'المهاجرين' },
      { op: 'INSERT', text: 'اللاجئين' },
    ]);
    expect(wordDiff('می‌خواهیم کمک', 'می‌خواهیم همکاری')).toEqual([
      { op: 'EQUAL', text: 'می‌خواهیم ' },
      { op: 'DELETE', text: 'کمک' },
      { op: 'INSERT', text: 'همکاری' },
    ]);
  });

  it('compares Chinese by words although it is written without spaces', () => {
    // 正常 ("normal") → 正规 ("regular"): one word replaced, not its second character.
    expect(wordDiff('安全、有序和正常的移民', '安全、有序和正规的移民')).toEqual([
      { op: 'EQUAL', text: '安全、有序和' },
      { op: 'DELETE', text: '正常' },
      { op: 'INSERT', text: '正规' },
      { op: 'EQUAL', text: '的移民' },
    ]);
    expect(wordDiff('我们欢迎在执行全球契约方面取得的进展。', '我们注意到在执行全球契约方面取得的进展。')).toEqual([
      { op: 'EQUAL', text: '我们' },
      { op: 'DELETE', text: '欢迎' },
      { op: 'INSERT', text: '注意到' },
      { op: 'EQUAL', text: '在执行全球契约方面取得的进展。' },
    ]);
  });

  it.each([
    { script: 'Russian', oldText: 'Мы признаём прогресс в осуществлении Договора.', before: 'признаём', after: 'приветствуем' },
    { script: 'Arabic', oldText: 'نؤكد من جديد التزامنا بتنفيذ الاتفاق العالمي.', before: 'التزامنا', after: 'تعهدنا' },
    { script: 'Chinese', oldText: '我们重申致力于执行全球契约。', before: '重申', after: '再次确认' },
  ])('changes one $script word with one DELETE and one INSERT of whole words', ({ oldText, before, after }) => {
    const newText = oldText.replace(before, after);
    const changed = wordDiff(oldText, newText).filter((h) => h.op !== 'EQUAL');
    expect(changed).toEqual([
      { op: 'DELETE', text: before },
      { op: 'INSERT', text: after },
    ]);
  });

  it('cuts a long text into the same words as the segmenter does in one piece', () => {
    // wordTokens segments long texts chunk by chunk (for speed): the chunks must not show.
    const sentence = 'We recognize the progress made. Мы признаём прогресс. نرحب بالتقدم المحرز. 我们欢迎取得的进展，并重申承诺。\n\n';
    const text = sentence.repeat(Math.ceil(20_000 / sentence.length));
    const whole = [...new Intl.Segmenter('und', { granularity: 'word' }).segment(text)].map((s) => s.segment);
    expect(wordTokens(text)).toEqual(whole);
  });

  it('rebuilds texts that offer no word boundary for thousands of characters', () => {
    for (const run of ['移'.repeat(5_000), '👩🏽‍⚖️'.repeat(1_000), 'z'.repeat(100_000), 'e\u0301'.repeat(3_000)]) {
      expect(wordTokens(run).join('')).toBe(run);
      const changed = `${run.slice(0, 2_000)}民${run.slice(2_000)}`;
      expectWellFormed(wordDiff(run, changed), run, changed);
    }
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
