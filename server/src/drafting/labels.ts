/**
 * Negotiation labels and paragraph numbers.
 *
 * Number: the 1-based position of a paragraph among the paragraphs of the
 * declaration that are not DELETED, in document order; DELETED paragraphs
 * have no number (null).
 *
 * Label: what delegations call a paragraph across revisions.
 * - Before the first revision (and at adoption, option `adopted`), a live
 *   paragraph's label is its number. A DELETED paragraph, which has no
 *   number, is labelled like a paragraph inserted at its place: after the
 *   live paragraph "3" it is "3 bis" (then "3 ter", ...), before the first
 *   live paragraph "0 bis". Its stored fixed label is ignored in this mode.
 * - Once a revision has been published, a paragraph that was in it has a
 *   fixed label and keeps it, DELETED or not, wherever it has moved. The
 *   other ("unfixed") paragraphs continue the suffix sequence of the nearest
 *   label before them in document order: after "21" come "21 bis",
 *   "21 ter", ...; after "21 bis", "21 ter"; before any fixed label,
 *   "0 bis", "0 ter", ... DELETED unfixed paragraphs take their place in the
 *   sequence too, so deleting a paragraph never relabels another one.
 *
 * Suffixes are the Latin multiplicative adverbs, as in UN and French
 * legislative practice: bis (2nd), ter, quater, quinquies, sexies, septies,
 * octies, novies, decies (10th), then units + tens: undecies, duodecies,
 * terdecies, ..., novodecies, vicies (20th), unvicies, ..., tricies,
 * quadragies, quinquagies, sexagies, septuagies, octogies, nonagies,
 * ..., novononagies (99th). From the 100th on the suffix is the multiplier
 * in parentheses: "21 (100)", "21 (101)", ...
 *
 * Uniqueness: the output never repeats a label.
 * - A fixed label repeated in the input (corrupt data) is kept by its first
 *   paragraph in document order; later ones are treated as unfixed.
 * - An unfixed paragraph skips every label already taken anywhere in the
 *   declaration: "21", [new], "21 ter" gives "21 bis" to the new paragraph,
 *   and "21", [new], [new], "21 ter" gives "21 bis" then "21 quater".
 * - A fixed label that is not of the form "<number>[ <suffix>]" is kept as
 *   is but does not start a suffix sequence: the paragraphs after it
 *   continue from the label before it.
 */

/** Input of {@link assignLabels}: one paragraph of a declaration. */
export interface LabelInput {
  id: string;
  /** The label fixed by a published revision, or null if none yet. */
  fixedLabel: string | null;
  deleted: boolean;
}

/** Options of {@link assignLabels}. */
export interface LabelOptions {
  /** Whether the declaration has at least one published revision. */
  anyRevisionPublished: boolean;
  /** The declaration is adopted: live paragraphs are labelled with their number. */
  adopted?: boolean;
}

/** A label split into its number and its suffix index (0: none, 1: bis, 2: ter, ...). */
export interface ParsedLabel {
  base: number;
  suffixIndex: number;
}

const NAMED_SUFFIXES = ['bis', 'ter', 'quater', 'quinquies', 'sexies', 'septies', 'octies', 'novies'];
const UNIT_PREFIXES = ['un', 'duo', 'ter', 'quater', 'quin', 'sex', 'sept', 'octo', 'novo'];
const TENS = ['decies', 'vicies', 'tricies', 'quadragies', 'quinquagies', 'sexagies', 'septuagies', 'octogies', 'nonagies'];

/** The Latin adverb for the n-th paragraph of a base, n from 2 to 99. */
function latinAdverb(n: number): string {
  if (n < 10) return NAMED_SUFFIXES[n - 2]!;
  const tens = TENS[Math.floor(n / 10) - 1]!;
  const units = n % 10;
  return units === 0 ? tens : UNIT_PREFIXES[units - 1]! + tens;
}

/**
 * Label suffixes in order: `LATIN_SUFFIXES[0]` is "bis" (suffix index 1),
 * `LATIN_SUFFIXES[1]` "ter" (index 2), ... up to "novononagies" (the 99th).
 */
export const LATIN_SUFFIXES: readonly string[] = Object.freeze(
  Array.from({ length: 98 }, (_, i) => latinAdverb(i + 2)),
);

const SUFFIX_INDEX = new Map(LATIN_SUFFIXES.map((suffix, i) => [suffix, i + 1]));
const LABEL_PATTERN = /^(0|[1-9]\d*)(?: ([a-z]+|\((\d+)\)))?$/;

/** The label of a base number and suffix index: (21, 0) → "21", (21, 2) → "21 ter", (21, 99) → "21 (100)". */
export function formatLabel(base: number, suffixIndex: number): string {
  if (suffixIndex === 0) return String(base);
  if (suffixIndex <= LATIN_SUFFIXES.length) return `${base} ${LATIN_SUFFIXES[suffixIndex - 1]}`;
  return `${base} (${suffixIndex + 1})`;
}

/**
 * Parses a label written by {@link formatLabel}: "21 ter" → { base: 21, suffixIndex: 2 }.
 * Returns null for anything else ("21bis", "21 foo", "A", "21 (5)" whose
 * suffix has a Latin name), so that distinct labels never parse alike.
 */
export function parseLabel(label: string): ParsedLabel | null {
  const match = LABEL_PATTERN.exec(label);
  if (!match) return null;
  const base = Number(match[1]);
  if (!Number.isSafeInteger(base)) return null;
  if (match[2] === undefined) return { base, suffixIndex: 0 };
  if (match[3] !== undefined) {
    const suffixIndex = Number(match[3]) - 1;
    const canonical = suffixIndex > LATIN_SUFFIXES.length && formatLabel(base, suffixIndex) === label;
    return canonical ? { base, suffixIndex } : null;
  }
  const suffixIndex = SUFFIX_INDEX.get(match[2]);
  return suffixIndex === undefined ? null : { base, suffixIndex };
}

/** Numbers of the paragraphs in document order: 1, 2, ... skipping DELETED ones, which get null. */
export function numberParagraphs(paragraphs: { id: string; deleted: boolean }[]): Map<string, number | null> {
  const numbers = new Map<string, number | null>();
  let next = 1;
  for (const paragraph of paragraphs) {
    numbers.set(paragraph.id, paragraph.deleted ? null : next++);
  }
  return numbers;
}

/**
 * Labels for the paragraphs of a declaration in document order (see the
 * module comment for the rules). Every paragraph gets a non-empty label and
 * no two paragraphs get the same one.
 */
export function assignLabels(paragraphs: LabelInput[], opts: LabelOptions): Map<string, string> {
  const anchors = opts.anyRevisionPublished && !opts.adopted ? fixedAnchors(paragraphs) : numberAnchors(paragraphs);
  return labelAroundAnchors(paragraphs, anchors);
}

/** Before the first revision or at adoption: live paragraphs are anchored at their number. */
function numberAnchors(paragraphs: LabelInput[]): Map<string, string> {
  const anchors = new Map<string, string>();
  for (const [id, number] of numberParagraphs(paragraphs)) {
    if (number !== null) anchors.set(id, String(number));
  }
  return anchors;
}

/** After a revision: paragraphs keep their fixed label, the first holder of a repeated one only. */
function fixedAnchors(paragraphs: LabelInput[]): Map<string, string> {
  const anchors = new Map<string, string>();
  const taken = new Set<string>();
  for (const { id, fixedLabel } of paragraphs) {
    if (fixedLabel === null || fixedLabel === '' || taken.has(fixedLabel)) continue;
    taken.add(fixedLabel);
    anchors.set(id, fixedLabel);
  }
  return anchors;
}

/**
 * Gives anchored paragraphs their anchor label and every other paragraph the
 * next free suffix after the nearest parseable label before it.
 */
function labelAroundAnchors(paragraphs: LabelInput[], anchors: Map<string, string>): Map<string, string> {
  const labels = new Map<string, string>();
  const taken = new Set(anchors.values());
  let previous: ParsedLabel = { base: 0, suffixIndex: 0 };
  for (const { id } of paragraphs) {
    const anchor = anchors.get(id);
    if (anchor !== undefined) {
      labels.set(id, anchor);
      previous = parseLabel(anchor) ?? previous;
      continue;
    }
    previous = nextFreeLabel(previous, taken);
    const label = formatLabel(previous.base, previous.suffixIndex);
    taken.add(label);
    labels.set(id, label);
  }
  return labels;
}

/** The first label after `previous` on the same base that is not taken. */
function nextFreeLabel(previous: ParsedLabel, taken: Set<string>): ParsedLabel {
  let suffixIndex = previous.suffixIndex + 1;
  while (taken.has(formatLabel(previous.base, suffixIndex))) suffixIndex++;
  return { base: previous.base, suffixIndex };
}
