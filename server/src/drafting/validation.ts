/** Checks of user input shared by the commands. Each throws BAD_USER_INPUT naming the field. */
import { badInput } from '../errors.js';

/** A required, trimmed, non-empty string of at most `max` characters. */
export function requiredText(field: string, value: string, max: number): string {
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
