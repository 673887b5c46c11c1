/**
 * The inputs the fuzzer sends, realistic and hostile alike, as plain data so
 * that a failing case prints (and shrinks) readably:
 *
 *   - `TextSpec`: a string, or `{ repeat, times }` for the huge ones (a
 *     100,001-character string would drown the counterexample);
 *   - `Ref`: which id to send, resolved only when the operation runs:
 *     `{ own: n }` is the n-th (modulo) entity of that kind made in this run,
 *     `{ own: n, spelled }` the same id spelled differently (upper case,
 *     braces, no hyphens: PostgreSQL's uuid type reads them all),
 *     `{ other: true }` the entity of that kind in another declaration,
 *     `{ raw }` a literal (garbage, unknown UUID, empty...);
 *   - bytes for Yjs updates, state vectors and cursors.
 */
import fc from 'fast-check';

export type TextSpec = string | { repeat: string; times: number };

export function textOf(spec: TextSpec): string {
  return typeof spec === 'string' ? spec : spec.repeat.repeat(spec.times);
}

const PHRASES = [
  'We reaffirm our commitment to the Global Compact for Safe, Orderly and Regular Migration.',
  'We recognize that progress remains uneven.',
  'safe, orderly and regular',
  'Mexico proposes "welcome" instead of "note".',
  'including for labour and family reunification',
  'We commit to',
  'the whole-of-society approach',
];

const HOSTILE = [
  '',
  ' ',
  '   \n\t ',
  'a\u0000b',
  '\u0000',
  '\uD800',
  'text with a lone \uDFFF low surrogate',
  'high \uDBFF at the end\uD83D',
  'تقدم 进展 👩‍👩‍👧 é ñ ü ✓',
  '\u202Eright-to-left override\u202C',
  'zero\u200Bwidth\uFEFF',
  '<script>alert(1)</script> & ]]> <![CDATA[ x ]]> &amp;',
  '**bold** _x_ # heading\n\n- list\n> quote\n```\ncode\n```',
  "'; drop table paragraph; --",
  '${jndi:ldap://x} {{7*7}} %s %n',
  'a'.repeat(500),
  'a'.repeat(501),
];

/** Sizes around the limits (title 500, name 200, comment 20,000, paragraph 100,000). */
const HUGE: TextSpec[] = [
  { repeat: 'x', times: 201 },
  { repeat: 'ab ', times: 167 },
  { repeat: 'word ', times: 4_000 },
  { repeat: 'y', times: 20_001 },
  { repeat: 'z', times: 100_000 },
  { repeat: 'z', times: 100_001 },
];

export const text: fc.Arbitrary<TextSpec> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...PHRASES) },
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 24 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
  { weight: 1, arbitrary: fc.constantFrom(...HUGE) },
);

/** Short text for Yjs inserts: keystrokes and pastes, sometimes hostile. */
export const insertion: fc.Arbitrary<TextSpec> = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 8 }) },
  { weight: 2, arbitrary: fc.constantFrom(...PHRASES) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 6 }) },
  { weight: 1, arbitrary: fc.constantFrom('', '\u0000', '\uD800', 'é', '👩‍👩‍👧', 'a\uDFFF') },
  { weight: 1, arbitrary: fc.constantFrom<TextSpec>({ repeat: 'q', times: 100_001 }, { repeat: 'long ', times: 2_000 }) },
);

export type Spelling = 'upper' | 'braces' | 'bare';

export type Ref = { own: number; spelled?: Spelling } | { other: true } | { raw: string };

export const UNKNOWN_UUID = '6f1c2b4e-9d7a-4c3e-8b21-5a0f3e9d7c11';

const GARBAGE_IDS = [
  UNKNOWN_UUID,
  '00000000-0000-0000-0000-000000000000',
  '',
  'nope',
  '1',
  ' ',
  "' or 1=1 --",
  '6f1c2b4e-9d7a-4c3e-8b21-5a0f3e9d7c1',
  '6f1c2b4e-9d7a-4c3e-8b21-5a0f3e9d7c11 ',
  'ÿ'.repeat(40),
  'x'.repeat(10_000),
];

export const ref: fc.Arbitrary<Ref> = fc.oneof(
  { weight: 16, arbitrary: fc.record({ own: fc.nat(50) }) },
  { weight: 1, arbitrary: fc.record({ own: fc.nat(50), spelled: fc.constantFrom<Spelling>('upper', 'braces', 'bare') }) },
  { weight: 1, arbitrary: fc.constant({ other: true as const }) },
  { weight: 1, arbitrary: fc.record({ raw: fc.constantFrom(...GARBAGE_IDS) }) },
);

/** An optional reference (afterParagraphId, replyTo...): absent often. */
export const optionalRef: fc.Arbitrary<Ref | null> = fc.option(ref, { freq: 2 });

export function spell(id: string, spelled: Spelling | undefined): string {
  switch (spelled) {
    case 'upper':
      return id.toUpperCase();
    case 'braces':
      return `{${id}}`;
    case 'bare':
      return id.replaceAll('-', '');
    default:
      return id;
  }
}

/** Objective numbers: mostly valid, sometimes out of range or absurd. */
export const objectives: fc.Arbitrary<number[]> = fc.array(
  fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 1, max: 23 }) }, { weight: 1, arbitrary: fc.constantFrom(0, 24, -1, 2 ** 31 - 1, -(2 ** 31)) }),
  { maxLength: 6 },
);

/** An offset into a paragraph: mostly inside it (as a fraction of its length), sometimes far out. */
export type Offset = { at: number } | { raw: number };
export const offset: fc.Arbitrary<Offset> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ at: fc.double({ min: 0, max: 1, noNaN: true }) }) },
  { weight: 1, arbitrary: fc.record({ raw: fc.constantFrom(-1, 0, 1_000_000, 2 ** 31 - 1, -(2 ** 31)) }) },
);

/** Random bytes, short or long. */
export const bytes: fc.Arbitrary<number[]> = fc.oneof(
  fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 64 }),
  fc.constantFrom<number[]>([0], [0, 0], [1, 0], [255, 255, 255, 255, 255, 255, 255, 255, 255, 15]),
);
