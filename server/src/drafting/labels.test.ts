import { describe, it, expect } from 'vitest';
import {
  assignLabels,
  formatLabel,
  LATIN_SUFFIXES,
  numberParagraphs,
  parseLabel,
  type LabelInput,
} from './labels.js';
import { mulberry32 } from '../../../test/support/random.js';

/** Paragraphs p1, p2, ... from a compact spec: a fixed label, `null` (new) or `{ fixed, deleted }`. */
type Spec = string | null | { fixed: string | null; deleted: true };

function paragraphs(...specs: Spec[]): LabelInput[] {
  return specs.map((spec, i) => {
    const id = `p${i + 1}`;
    if (spec === null || typeof spec === 'string') return { id, fixedLabel: spec, deleted: false };
    return { id, fixedLabel: spec.fixed, deleted: true };
  });
}

function labelsAfterRevision(...specs: Spec[]): string[] {
  return [...assignLabels(paragraphs(...specs), { anyRevisionPublished: true }).values()];
}

function labelsBeforeRevision(...specs: Spec[]): string[] {
  return [...assignLabels(paragraphs(...specs), { anyRevisionPublished: false }).values()];
}


function shuffle<T>(items: T[], random: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

const deleted = (fixed: string | null = null): Spec => ({ fixed, deleted: true });

describe('LATIN_SUFFIXES', () => {
  it('starts with the suffixes of the design, in order', () => {
    expect(LATIN_SUFFIXES.slice(0, 9)).toEqual([
      'bis', 'ter', 'quater', 'quinquies', 'sexies', 'septies', 'octies', 'novies', 'decies',
    ]);
  });

  it('continues beyond decies with units + tens, up to the 99th', () => {
    expect(LATIN_SUFFIXES.slice(9, 12)).toEqual(['undecies', 'duodecies', 'terdecies']);
    expect(LATIN_SUFFIXES[18]).toBe('vicies');
    expect(LATIN_SUFFIXES[19]).toBe('unvicies');
    expect(LATIN_SUFFIXES.at(-1)).toBe('novononagies');
    expect(new Set(LATIN_SUFFIXES).size).toBe(LATIN_SUFFIXES.length);
  });
});

describe('formatLabel and parseLabel', () => {
  it('format a base alone, with a Latin suffix, and with a number beyond the Latin names', () => {
    expect(formatLabel(21, 0)).toBe('21');
    expect(formatLabel(21, 1)).toBe('21 bis');
    expect(formatLabel(21, 2)).toBe('21 ter');
    expect(formatLabel(21, 98)).toBe('21 novononagies');
    expect(formatLabel(21, 99)).toBe('21 (100)');
  });

  it('parse what they format, for every suffix index', () => {
    for (let suffixIndex = 0; suffixIndex < 150; suffixIndex++) {
      expect(parseLabel(formatLabel(7, suffixIndex))).toEqual({ base: 7, suffixIndex });
    }
    expect(parseLabel('0 bis')).toEqual({ base: 0, suffixIndex: 1 });
  });

  it('reject labels they would not write', () => {
    for (const label of ['', 'A', '21bis', '21 foo', '21  bis', '021', '21 (5)', '21 (0100)', '-1', ' 21']) {
      expect(parseLabel(label), label).toBeNull();
    }
  });
});

describe('numberParagraphs', () => {
  it('numbers paragraphs 1..N in document order, skipping DELETED ones, which get null', () => {
    const numbers = numberParagraphs([
      { id: 'a', deleted: false },
      { id: 'b', deleted: true },
      { id: 'c', deleted: false },
      { id: 'd', deleted: false },
    ]);
    expect([...numbers]).toEqual([['a', 1], ['b', null], ['c', 2], ['d', 3]]);
  });
});

describe('assignLabels before the first revision', () => {
  it('labels each paragraph with its number', () => {
    expect(labelsBeforeRevision(null, null, null)).toEqual(['1', '2', '3']);
  });

  it('ignores stored fixed labels', () => {
    expect(labelsBeforeRevision('9', '4 bis', null)).toEqual(['1', '2', '3']);
  });

  it('labels a DELETED paragraph like one inserted at its place, after the previous number', () => {
    expect(labelsBeforeRevision(null, deleted(), deleted(), null)).toEqual(['1', '1 bis', '1 ter', '2']);
  });

  it('labels a DELETED paragraph before the first live one "0 bis"', () => {
    expect(labelsBeforeRevision(deleted(), null)).toEqual(['0 bis', '1']);
  });
});

describe('assignLabels after a revision', () => {
  it('keeps the labels of paragraphs that were in it', () => {
    expect(labelsAfterRevision('1', '2', '3')).toEqual(['1', '2', '3']);
  });

  it('labels a paragraph inserted after "21" "21 bis"', () => {
    expect(labelsAfterRevision('21', null, '22')).toEqual(['21', '21 bis', '22']);
  });

  it('labels the next one inserted between "21 bis" and "22" "21 ter"', () => {
    expect(labelsAfterRevision('21', '21 bis', null, '22')).toEqual(['21', '21 bis', '21 ter', '22']);
  });

  it('labels a run of insertions bis, ter, quater, ... decies, undecies', () => {
    const labels = labelsAfterRevision('21', ...Array<Spec>(10).fill(null), '22');
    expect(labels.slice(1, 11)).toEqual([
      '21 bis', '21 ter', '21 quater', '21 quinquies', '21 sexies',
      '21 septies', '21 octies', '21 novies', '21 decies', '21 undecies',
    ]);
  });

  it('labels the 100th paragraph of a base "(100)" once the Latin names run out', () => {
    const labels = labelsAfterRevision('5', ...Array<Spec>(100).fill(null));
    expect(labels[98]).toBe('5 novononagies');
    expect(labels[99]).toBe('5 (100)');
    expect(labels[100]).toBe('5 (101)');
  });

  it('continues after a fixed suffix: insertions between "21 bis" and "21 ter" follow "21 ter"', () => {
    expect(labelsAfterRevision('21', '21 bis', null, '21 ter', null)).toEqual([
      '21', '21 bis', '21 quater', '21 ter', '21 quinquies',
    ]);
  });

  it('labels insertions before the first labelled paragraph "0 bis", "0 ter"', () => {
    expect(labelsAfterRevision(null, null, '1', '2')).toEqual(['0 bis', '0 ter', '1', '2']);
  });

  it('skips a fixed "0 bis" when inserting before it', () => {
    expect(labelsAfterRevision(null, '0 bis', '1')).toEqual(['0 ter', '0 bis', '1']);
  });

  it('does not reuse "21 ter" when it is fixed further on', () => {
    expect(labelsAfterRevision('21', null, '21 ter')).toEqual(['21', '21 bis', '21 ter']);
    expect(labelsAfterRevision('21', null, null, '21 ter')).toEqual(['21', '21 bis', '21 quater', '21 ter']);
  });

  it('does not reuse a suffix fixed anywhere in the declaration', () => {
    expect(labelsAfterRevision('21 bis', '3', '21', null)).toEqual(['21 bis', '3', '21', '21 ter']);
  });

  it('labels insertions after a moved fixed paragraph from that paragraph', () => {
    expect(labelsAfterRevision('1', '3', null, '2', null, '4')).toEqual(['1', '3', '3 bis', '2', '2 bis', '4']);
  });

  it('keeps the fixed labels of DELETED paragraphs and continues after them', () => {
    expect(labelsAfterRevision('1', deleted('2'), null, '3')).toEqual(['1', '2', '2 bis', '3']);
  });

  it('gives a DELETED new paragraph its place in the sequence, so deleting never relabels another', () => {
    const before = labelsAfterRevision('1', null, null, '2');
    const after = labelsAfterRevision('1', deleted(), null, '2');
    expect(before).toEqual(['1', '1 bis', '1 ter', '2']);
    expect(after).toEqual(before);
  });

  it('keeps a fixed label it cannot parse and continues from the label before it', () => {
    expect(labelsAfterRevision('4', 'PP1', null)).toEqual(['4', 'PP1', '4 bis']);
  });

  it('keeps a repeated fixed label for its first paragraph only', () => {
    expect(labelsAfterRevision('7', '7', '8')).toEqual(['7', '7 bis', '8']);
  });

  it('treats an empty fixed label as no label', () => {
    expect(labelsAfterRevision('7', '', '8')).toEqual(['7', '7 bis', '8']);
  });
});

describe('assignLabels at adoption', () => {
  it('relabels every live paragraph with its number, even after revisions', () => {
    const input = paragraphs('0 bis', '1', deleted('2'), '2 bis', '3');
    const labels = assignLabels(input, { anyRevisionPublished: true, adopted: true });
    expect([...labels.values()]).toEqual(['1', '2', '2 bis', '3', '4']);
  });
});

describe('assignLabels under random documents', () => {
  it('never repeats a label and always keeps unrepeated fixed labels', () => {
    const random = mulberry32(20220520);
    for (let round = 0; round < 300; round++) {
      const size = 1 + Math.floor(random() * 40);
      const fixedPool = shuffle(
        Array.from({ length: size }, (_, i) => formatLabel(Math.floor(i / 3), i % 3)),
        random,
      );
      const input: LabelInput[] = shuffle(
        fixedPool.map((label, i) => ({
          id: `p${i}`,
          fixedLabel: random() < 0.5 ? label : random() < 0.1 ? fixedPool[0]! : null,
          deleted: random() < 0.2,
        })),
        random,
      );
      for (const anyRevisionPublished of [true, false]) {
        const labels = assignLabels(input, { anyRevisionPublished });
        const values = [...labels.values()];
        expect(labels.size).toBe(input.length);
        expect(new Set(values).size).toBe(values.length);
        expect(values.every((label) => label.length > 0)).toBe(true);
      }
      const labels = assignLabels(input, { anyRevisionPublished: true });
      const seen = new Set<string>();
      for (const { id, fixedLabel } of input) {
        if (fixedLabel === null || seen.has(fixedLabel)) continue;
        seen.add(fixedLabel);
        expect(labels.get(id)).toBe(fixedLabel);
      }
    }
  });

  it('labels live paragraphs with their number before any revision', () => {
    const random = mulberry32(7);
    for (let round = 0; round < 100; round++) {
      const input = Array.from({ length: 1 + Math.floor(random() * 30) }, (_, i) => ({
        id: `p${i}`,
        fixedLabel: null,
        deleted: random() < 0.3,
      }));
      const labels = assignLabels(input, { anyRevisionPublished: false });
      for (const [id, number] of numberParagraphs(input)) {
        if (number !== null) expect(labels.get(id)).toBe(String(number));
      }
    }
  });
});
