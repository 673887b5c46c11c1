/**
 * Text anchors: a comment's or an amendment's range, kept as two Yjs
 * relative positions so that it follows the text through everyone's edits.
 *
 * The start sticks to the first selected character (assoc 0: it stays before
 * it), the end to the last one (assoc -1: it stays after it). Text typed at
 * either edge therefore stays outside the range. When every selected
 * character has been deleted the two positions meet: the anchor is orphaned.
 */
import * as Y from 'yjs';

export interface StoredAnchor {
  start: Uint8Array;
  end: Uint8Array;
  quote: string;
}

export interface ResolvedAnchor {
  start: number | null;
  end: number | null;
  quote: string;
  orphaned: boolean;
}

/** Makes an anchor over `[start, end)` of `text`; the caller checked the bounds. */
export function createAnchor(text: Y.Text, start: number, end: number): StoredAnchor {
  const content = text.toString();
  return {
    start: Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(text, start, 0)),
    // assoc -1: the position just after the last selected character. An empty
    // range (start === end) uses the same association as its start.
    end: Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(text, end, start === end ? 0 : -1)),
    quote: content.slice(start, end),
  };
}

/** Where the anchor is now in `doc`. */
export function resolveAnchor(doc: Y.Doc, anchor: StoredAnchor): ResolvedAnchor {
  const start = Y.createAbsolutePositionFromRelativePosition(Y.decodeRelativePosition(anchor.start), doc);
  const end = Y.createAbsolutePositionFromRelativePosition(Y.decodeRelativePosition(anchor.end), doc);
  if (!start || !end) return { start: null, end: null, quote: anchor.quote, orphaned: true };
  const wasRange = anchor.quote.length > 0;
  if (wasRange && end.index <= start.index) return { start: null, end: null, quote: anchor.quote, orphaned: true };
  return { start: start.index, end: Math.max(start.index, end.index), quote: anchor.quote, orphaned: false };
}
