/**
 * Bearer tokens. A token is 32 random bytes (256 bits) in base64url behind a
 * `drt_` prefix; the server keeps only its SHA-256. A slow hash would add
 * nothing: the input is random, not a password, and lookups must be fast.
 */
import { createHash, randomBytes } from 'node:crypto';

const PREFIX = 'drt_';

/** A fresh token, to be shown once. */
export function newToken(): string {
  return PREFIX + randomBytes(32).toString('base64url');
}

/** The stored form of a token. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * The token in an `Authorization` value ("Bearer <token>"), or null when the
 * value is absent or not a bearer credential.
 */
export function bearerToken(header: unknown): string | null {
  if (typeof header !== 'string') return null;
  const match = /^\s*Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1]! : null;
}
