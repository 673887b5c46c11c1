/**
 * Which characters no text of ours may hold, as a pure rule over strings:
 * the commands' input checks (drafting/validation.ts) and the inspection of
 * Yjs updates (collab/updateInspection.ts) both apply it, so it sits below
 * both.
 */

/**
 * Characters that make a text read differently from what it holds: the
 * bidirectional embeddings, overrides and isolates reorder what follows them
 * on screen and in every export (a "Trojan Source" text), and the zero-width
 * space and the byte order mark hide inside words (two spellings of one word
 * that look the same). They are refused, never stripped: what is stored is
 * what was sent. Not in the list, on purpose: U+200C ZERO WIDTH NON-JOINER
 * and U+200D ZERO WIDTH JOINER, which Persian, Arabic and Indic scripts need
 * to spell words, and the marks U+200E, U+200F, U+061C (LRM, RLM, ALM),
 * which Arabic and Hebrew text uses to place punctuation and digits and
 * which cannot reorder text beyond the characters next to them.
 */
const HIDDEN_CHARACTERS: ReadonlyMap<string, string> = new Map([
  ['\u202A', 'LEFT-TO-RIGHT EMBEDDING'],
  ['\u202B', 'RIGHT-TO-LEFT EMBEDDING'],
  ['\u202C', 'POP DIRECTIONAL FORMATTING'],
  ['\u202D', 'LEFT-TO-RIGHT OVERRIDE'],
  ['\u202E', 'RIGHT-TO-LEFT OVERRIDE'],
  ['\u2066', 'LEFT-TO-RIGHT ISOLATE'],
  ['\u2067', 'RIGHT-TO-LEFT ISOLATE'],
  ['\u2068', 'FIRST STRONG ISOLATE'],
  ['\u2069', 'POP DIRECTIONAL ISOLATE'],
  ['\u200B', 'ZERO WIDTH SPACE'],
  ['\uFEFF', 'ZERO WIDTH NO-BREAK SPACE'],
]);

const HIDDEN = new RegExp(`[${[...HIDDEN_CHARACTERS.keys()].join('')}]`);

/** A hidden character found in a text: where (UTF-16 offset), and which ("U+202E RIGHT-TO-LEFT OVERRIDE"). */
export interface HiddenCharacter {
  offset: number;
  code: string;
  description: string;
}

/** The first hidden character of `text` (see HIDDEN_CHARACTERS), or null. */
export function findHiddenCharacter(text: string): HiddenCharacter | null {
  const match = HIDDEN.exec(text);
  if (!match) return null;
  const code = `U+${match[0].charCodeAt(0).toString(16).toUpperCase()}`;
  return { offset: match.index, code, description: `${code} ${HIDDEN_CHARACTERS.get(match[0])}` };
}

/** Why a hidden character is refused, for every message that refuses one. */
export const HIDDEN_REFUSAL = 'bidirectional controls and invisible characters are not accepted';
