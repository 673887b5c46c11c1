/**
 * Word-level comparison of paragraph texts and of whole revisions.
 *
 * Texts are cut into words by `Intl.Segmenter` (wordTokens.ts), so that a
 * word of any of the six UN languages (Arabic, Chinese, English, French,
 * Russian, Spanish) is one token: jsdiff's own tokenizer knows only Latin
 * letters and made each Cyrillic, Arabic or Chinese character a token of its
 * own (a one-word change in Russian came out as a handful of letter-level
 * hunks). jsdiff compares the tokens as they are, whitespace included, so
 * that nothing is lost. The hunks always rebuild both texts exactly:
 * EQUAL + DELETE hunks concatenate to the old text, EQUAL + INSERT hunks to
 * the new one. No hunk is empty, and two neighbours never share an op.
 *
 * Readability: each run of changes is one DELETE then one INSERT; a pure
 * insertion or deletion slides left over an equality that also ends it, to
 * join the change before ("safe and" → "safe, orderly and" is one INSERT
 * ", orderly"); and whitespace between two replacements is folded into them
 * ("a b c" → "x y z" is DELETE "a b c", INSERT "x y z").
 *
 * Cost guard: when the texts need more than {@link MAX_EDIT_TOKENS} token
 * edits, the comparison gives up on words: it keeps the common beginning and
 * end (cut after whitespace, so no word is split) as EQUAL and replaces the
 * middle with one DELETE and one INSERT.
 *
 * Revisions are compared paragraph by paragraph, by paragraph id; the change
 * concerns presence and text only (a status change alone is UNCHANGED):
 * - ADDED: absent or DELETED in the older revision, live in the newer;
 *   hunks: one INSERT of the text.
 * - REMOVED: live in the older, DELETED or absent in the newer; hunks: one
 *   DELETE of the older text.
 * - MODIFIED: live in both, text changed; hunks: the word diff.
 * - UNCHANGED: live in both, same text; hunks: one EQUAL of the text.
 * An empty text gives no hunk at all. Paragraphs DELETED in both, or absent
 * from one and DELETED in the other, are left out.
 * Order: the newer revision's; a REMOVED paragraph absent from the newer
 * revision follows the nearest paragraph before it in the older revision
 * that is still in the newer one (at the start if there is none), several
 * such paragraphs keeping their older order. Label: the newer revision's,
 * else the older's.
 */
import { Diff, type ChangeObject } from 'diff';
import { wordTokens } from './wordTokens.js';

/** What a hunk does to the old text. */
export type DiffOp = 'EQUAL' | 'INSERT' | 'DELETE';

/** A piece of text kept (EQUAL), added (INSERT) or removed (DELETE). */
export interface DiffHunk {
  op: DiffOp;
  text: string;
}

/** How a paragraph changed between two revisions. */
export type ParagraphChange = 'ADDED' | 'REMOVED' | 'MODIFIED' | 'UNCHANGED';

/** A paragraph as recorded in a revision. */
export interface RevisionParagraphLike {
  paragraphId: string;
  label: string;
  text: string;
  status: 'OPEN' | 'AGREED_AD_REF' | 'AGREED' | 'DELETED';
}

/** The comparison of one paragraph between two revisions. */
export interface ParagraphDiffResult {
  paragraphId: string;
  label: string;
  change: ParagraphChange;
  hunks: DiffHunk[];
}

/** Beyond this many token insertions + deletions, {@link wordDiff} stops diffing word by word. */
export const MAX_EDIT_TOKENS = 1000;

/** jsdiff on {@link wordTokens}: tokens compared exactly, joined back as they were. */
class SegmentedWordDiff extends Diff<string, string> {
  override tokenize(value: string): string[] {
    return wordTokens(value);
  }
}

const segmentedWordDiff = new SegmentedWordDiff();

/** Word-level diff of two texts (see the module comment for the guarantees). */
export function wordDiff(oldText: string, newText: string): DiffHunk[] {
  if (oldText === newText) return hunk('EQUAL', oldText);
  if (oldText === '' || newText === '') return [...hunk('DELETE', oldText), ...hunk('INSERT', newText)];
  const changes = segmentedWordDiff.diff(oldText, newText, { maxEditLength: MAX_EDIT_TOKENS });
  const pieces = changes === undefined ? replaceMiddle(oldText, newText) : toPieces(changes);
  return foldWhitespaceBetweenReplacements(shiftEditsLeft(pieces)).flatMap(pieceHunks);
}

/** One hunk of the text, or none if the text is empty. */
function hunk(op: DiffOp, text: string): DiffHunk[] {
  return text === '' ? [] : [{ op, text }];
}

/** Text kept as is, or a run of changes: what it removes and what it adds. */
type Piece = { kind: 'equal'; text: string } | { kind: 'change'; deleted: string; inserted: string };

/** Merges jsdiff's changes into alternating pieces, dropping empty ones. */
function toPieces(changes: ChangeObject<string>[]): Piece[] {
  const pieces: Piece[] = [];
  for (const { value, added, removed } of changes) {
    if (value === '') continue;
    const last = pieces.at(-1);
    if (!added && !removed) {
      if (last?.kind === 'equal') last.text += value;
      else pieces.push({ kind: 'equal', text: value });
      continue;
    }
    const run = last?.kind === 'change' ? last : { kind: 'change' as const, deleted: '', inserted: '' };
    if (run !== last) pieces.push(run);
    if (added) run.inserted += value;
    else run.deleted += value;
  }
  return pieces;
}

/** Fallback: common beginning and end as EQUAL, cut after whitespace; the middle replaced. */
function replaceMiddle(oldText: string, newText: string): Piece[] {
  const prefix = commonPrefixUpToWhitespace(oldText, newText);
  const suffix = commonSuffixFromWhitespace(oldText.slice(prefix), newText.slice(prefix));
  const middle = (text: string): string => text.slice(prefix, text.length - suffix);
  const pieces: Piece[] = [
    { kind: 'equal', text: oldText.slice(0, prefix) },
    { kind: 'change', deleted: middle(oldText), inserted: middle(newText) },
    { kind: 'equal', text: oldText.slice(oldText.length - suffix) },
  ];
  return pieces.filter((piece) => piece.kind === 'change' || piece.text !== '');
}

const WHITESPACE = /\s/;

/** Length of the longest common prefix that ends with a whitespace character (0 if none). */
function commonPrefixUpToWhitespace(a: string, b: string): number {
  let end = 0;
  for (let i = 0; i < a.length && i < b.length && a[i] === b[i]; i++) {
    if (WHITESPACE.test(a[i]!)) end = i + 1;
  }
  return end;
}

/** Length of the longest common suffix that starts with a whitespace character (0 if none). */
function commonSuffixFromWhitespace(a: string, b: string): number {
  let length = 0;
  for (let i = 1; i <= a.length && i <= b.length && a[a.length - i] === b[b.length - i]; i++) {
    if (WHITESPACE.test(a[a.length - i]!)) length = i;
  }
  return length;
}

/** The side and text of a change run that only inserts or only deletes, else null. */
function oneSided(piece: Piece): { side: 'deleted' | 'inserted'; text: string } | null {
  if (piece.kind !== 'change' || (piece.deleted !== '') === (piece.inserted !== '')) return null;
  return piece.deleted !== '' ? { side: 'deleted', text: piece.deleted } : { side: 'inserted', text: piece.inserted };
}

/**
 * Slides a pure insertion or deletion left over the equality before it when
 * that equality also ends it, so that it joins the change before: "safe",
 * INSERT ",", " ", INSERT "orderly ", "and" becomes "safe", INSERT ", orderly", " and".
 */
function shiftEditsLeft(pieces: Piece[]): Piece[] {
  const out: Piece[] = [];
  for (const piece of pieces) {
    const [before, gap] = [out.at(-2), out.at(-1)];
    const edit = oneSided(piece);
    if (edit === null || gap?.kind !== 'equal' || before?.kind !== 'change' || !edit.text.endsWith(gap.text)) {
      appendPiece(out, piece);
      continue;
    }
    // before, gap, edit → before + (gap + edit minus its ending gap), gap
    before[edit.side] += gap.text + edit.text.slice(0, edit.text.length - gap.text.length);
  }
  return out;
}

/** Appends a piece, merging it into the last one if both are equalities. */
function appendPiece(pieces: Piece[], piece: Piece): void {
  const last = pieces.at(-1);
  if (last?.kind === 'equal' && piece.kind === 'equal') last.text += piece.text;
  else pieces.push(piece);
}

const ONLY_WHITESPACE = /^\s+$/;

const isReplacement = (piece: Piece | undefined): piece is Piece & { kind: 'change' } =>
  piece?.kind === 'change' && piece.deleted !== '' && piece.inserted !== '';

/**
 * Merges "replacement, whitespace, replacement" into one replacement, so that
 * "a b c" → "x y z" reads DELETE "a b c", INSERT "x y z". Pure insertions and
 * deletions keep their surrounding whitespace as EQUAL.
 */
function foldWhitespaceBetweenReplacements(pieces: Piece[]): Piece[] {
  const folded: Piece[] = [];
  for (const piece of pieces) {
    const gap = folded.at(-1);
    const before = folded.at(-2);
    if (isReplacement(piece) && gap?.kind === 'equal' && ONLY_WHITESPACE.test(gap.text) && isReplacement(before)) {
      folded.splice(-2, 2, {
        kind: 'change',
        deleted: before.deleted + gap.text + piece.deleted,
        inserted: before.inserted + gap.text + piece.inserted,
      });
    } else {
      folded.push(piece);
    }
  }
  return folded;
}

/** The hunks of a piece: EQUAL, or DELETE then INSERT, never empty. */
function pieceHunks(piece: Piece): DiffHunk[] {
  if (piece.kind === 'equal') return hunk('EQUAL', piece.text);
  return [...hunk('DELETE', piece.deleted), ...hunk('INSERT', piece.inserted)];
}

/**
 * Paragraph-by-paragraph comparison of two revisions, each given in document
 * order. `older` may be null (the first revision): everything live is ADDED.
 */
export function diffRevisions(
  older: RevisionParagraphLike[] | null,
  newer: RevisionParagraphLike[],
): ParagraphDiffResult[] {
  const olderById = new Map((older ?? []).map((p) => [p.paragraphId, p]));
  const removedAfter = removedFromNewerByAnchor(older ?? [], new Set(newer.map((p) => p.paragraphId)));
  const results: ParagraphDiffResult[] = [...(removedAfter.get(null) ?? [])];
  for (const paragraph of newer) {
    const result = compareParagraph(olderById.get(paragraph.paragraphId), paragraph);
    if (result) results.push(result);
    results.push(...(removedAfter.get(paragraph.paragraphId) ?? []));
  }
  return results;
}

const isLive = (p: RevisionParagraphLike | undefined): p is RevisionParagraphLike =>
  p !== undefined && p.status !== 'DELETED';

/** A REMOVED result: one DELETE of the older text. */
function removedResult(old: RevisionParagraphLike, label = old.label): ParagraphDiffResult {
  return { paragraphId: old.paragraphId, label, change: 'REMOVED', hunks: hunk('DELETE', old.text) };
}

/** The result for a paragraph present in the newer revision, or null when it is left out. */
function compareParagraph(
  old: RevisionParagraphLike | undefined,
  current: RevisionParagraphLike,
): ParagraphDiffResult | null {
  const base = { paragraphId: current.paragraphId, label: current.label };
  if (current.status === 'DELETED') return isLive(old) ? removedResult(old, current.label) : null;
  if (!isLive(old)) return { ...base, change: 'ADDED', hunks: hunk('INSERT', current.text) };
  if (old.text === current.text) return { ...base, change: 'UNCHANGED', hunks: hunk('EQUAL', current.text) };
  return { ...base, change: 'MODIFIED', hunks: wordDiff(old.text, current.text) };
}

/**
 * REMOVED results for the live older paragraphs absent from the newer
 * revision, keyed by the id of the nearest preceding older paragraph that
 * the newer revision still has (null: at the start).
 */
function removedFromNewerByAnchor(
  older: RevisionParagraphLike[],
  newerIds: Set<string>,
): Map<string | null, ParagraphDiffResult[]> {
  const byAnchor = new Map<string | null, ParagraphDiffResult[]>();
  let anchor: string | null = null;
  for (const paragraph of older) {
    if (newerIds.has(paragraph.paragraphId)) {
      anchor = paragraph.paragraphId;
      continue;
    }
    if (!isLive(paragraph)) continue;
    const run = byAnchor.get(anchor) ?? [];
    byAnchor.set(anchor, run);
    run.push(removedResult(paragraph));
  }
  return byAnchor;
}
