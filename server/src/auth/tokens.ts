/**
 * Bearer tokens. A token is 32 random bytes (256 bits) in base64url behind a
 * `drt_` prefix; the server keeps only its SHA-256. A slow hash would add
 * nothing: the input is random, not a password, and lookups must be fast.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

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
 * Whether two stored token hashes (hex SHA-256) are the same, in time that
 * does not depend on where they differ. Anything that is not a 64-digit hex
 * hash is different from everything.
 */
export function sameTokenHash(a: string, b: string): boolean {
  const hex = /^[0-9a-f]{64}$/;
  if (!hex.test(a) || !hex.test(b)) return false;
  return timingSafeEqual(Buffer.from(a, 'hex'), Buffer.from(b, 'hex'));
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
