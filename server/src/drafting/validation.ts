/** Checks of user input shared by the commands. Each throws BAD_USER_INPUT naming the field. */
import { badInput } from '../errors.js';
import { findHiddenCharacter, HIDDEN_REFUSAL } from '../text/hiddenCharacters.js';

/** A UTF-16 surrogate that is not half of a pair (with `u`, a pair matches as one code point, never as Cs). */
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * What PostgreSQL can store as it was sent: U+0000 fails the INSERT (an
 * internal error, after the work was done), and a lone surrogate is silently
 * stored as U+FFFD (the text read back, or a paragraph's text beside its Yjs
 * text, would differ from what was sent). Both are refused as input, and so
 * are the hidden characters above (checked before any trimming: String's
 * trim() would silently drop a U+FEFF at either end).
 */
function storable(field: string, value: string): void {
  if (value.includes('\u0000')) throw badInput(`${field} must not contain the NUL character (U+0000)`, { field });
  if (LONE_SURROGATE.test(value)) throw badInput(`${field} must be well-formed Unicode: it contains a lone surrogate`, { field });
  const hidden = findHiddenCharacter(value);
  if (hidden) {
    throw badInput(`${field} contains ${hidden.description} at offset ${hidden.offset}; ${HIDDEN_REFUSAL}`, {
      field,
      character: hidden.code,
      offset: hidden.offset,
    });
  }
}

/** A required, trimmed, non-empty string of at most `max` characters. */
export function requiredText(field: string, value: string, max: number): string {
  storable(field, value);
  const trimmed = value.trim();
  if (trimmed.length === 0) throw badInput(`${field} must not be empty`, { field });
  if (trimmed.length > max) {
    throw badInput(`${field} must be at most ${max} characters, got ${trimmed.length}`, { field });
  }
  return trimmed;
}

/** An optional string: null/blank become null, otherwise as `requiredText`. */
export function optionalText(field: string, value: string | null | undefined, max: number): string | null {
  if (value === null || value === undefined || value.trim() === '') return null;
  return requiredText(field, value, max);
}

/** Paragraph text: may be empty, not trimmed, at most `max` UTF-16 units. */
export function paragraphText(field: string, value: string | null | undefined, max: number): string {
  const text = value ?? '';
  storable(field, text);
  if (text.length > max) throw badInput(`${field} must be at most ${max} characters, got ${text.length}`, { field });
  return text;
}

export const OBJECTIVE_COUNT = 23;

/** Global Compact objective numbers: integers 1..23; returned sorted and without repeats. */
export function objectives(value: readonly number[] | null | undefined): number[] {
  const list = value ?? [];
  for (const n of list) {
    if (!Number.isInteger(n) || n < 1 || n > OBJECTIVE_COUNT) {
      throw badInput(`objectives must be GCM objective numbers 1..${OBJECTIVE_COUNT}, got ${n}`, { field: 'objectives' });
    }
  }
  return [...new Set(list)].sort((a, b) => a - b);
}
