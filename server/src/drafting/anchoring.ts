/** Anchoring a comment or an amendment to a range of a paragraph's current (committed) text. */
import { createAnchor, type StoredAnchor } from '../collab/anchors.js';
import { badInput } from '../errors.js';
import type { Command } from './command.js';

export interface AnchorInput {
  start: number;
  end: number;
}

/**
 * The stored anchor for `[start, end)` of the paragraph's text. The caller
 * holds the declaration's lock, so the document it reads is the committed one.
 */
export async function anchorIn(command: Command, declarationId: string, paragraphId: string, input: AnchorInput): Promise<StoredAnchor> {
  const live = await command.hub.current(command.em, declarationId);
  const text = live.doc.getText(paragraphId);
  const { start, end } = input;
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end < start || end > text.length) {
    throw badInput(`anchor must satisfy 0 <= start <= end <= ${text.length} (the paragraph's length), got [${start}, ${end}]`, {
      field: 'anchor',
    });
  }
  return createAnchor(text, start, end);
}

/** The columns an entity keeps an anchor in. */
export function anchorColumns(anchor: StoredAnchor | null) {
  return {
    anchorStart: anchor ? Buffer.from(anchor.start) : null,
    anchorEnd: anchor ? Buffer.from(anchor.end) : null,
    anchorQuote: anchor ? anchor.quote : null,
  };
}

/** The stored anchor of an entity's columns, or null. */
export function storedAnchor(row: { anchorStart: Buffer | null; anchorEnd: Buffer | null; anchorQuote: string | null }): StoredAnchor | null {
  if (!row.anchorStart || !row.anchorEnd) return null;
  return { start: new Uint8Array(row.anchorStart), end: new Uint8Array(row.anchorEnd), quote: row.anchorQuote ?? '' };
}
