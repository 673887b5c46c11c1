import { describe, expect, it } from 'vitest';
import { bearerToken, hashToken, newToken, sameTokenHash } from './tokens.js';

describe('tokens', () => {
  it('a new token is drt_ and 256 random bits, different every time, stored as a 64-digit hex SHA-256', () => {
    const a = newToken();
    const b = newToken();
    expect(a).toMatch(/^drt_[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
    expect(hashToken(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashToken(a)).toBe(hashToken(a));
  });

  it('hashToken is SHA-256 of the UTF-8 bytes, in lowercase hex (known answers: FIPS 180-2 "abc", and sha256sum)', () => {
    // Stored hashes must stay valid across releases: a changed digest or encoding would log every participant out.
    expect(hashToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(hashToken('drt_example')).toBe('4c6c7ff83a0db1a39ced2fa4694a53aaf08e0b2673d5a22b38683844b98de134');
    expect(hashToken('drt_C\u00f4te')).toBe('5e9d3219f68aa1ffccf263f7651ff001630689b3f2a37f29b91bc2d2def64118');
  });

  it('sameTokenHash: equal hashes are the same; hashes differing in the first or the last digit are not', () => {
    const h = hashToken('drt_example');
    expect(sameTokenHash(h, h)).toBe(true);
    const first = (h[0] === '0' ? '1' : '0') + h.slice(1);
    const last = h.slice(0, -1) + (h.at(-1) === '0' ? '1' : '0');
    expect(sameTokenHash(h, first)).toBe(false);
    expect(sameTokenHash(h, last)).toBe(false);
  });

  it('sameTokenHash: anything that is not a hash (a token, a short or empty string) matches nothing', () => {
    const h = hashToken('drt_example');
    expect(sameTokenHash(h, 'drt_example')).toBe(false);
    expect(sameTokenHash(h, h.slice(0, 62))).toBe(false);
    expect(sameTokenHash('', '')).toBe(false);
    expect(sameTokenHash(h.toUpperCase(), h.toUpperCase())).toBe(false);
  });

  it('bearerToken reads "Bearer <token>" in any case, and nothing else', () => {
    expect(bearerToken('Bearer drt_x')).toBe('drt_x');
    expect(bearerToken('  bearer   drt_x ')).toBe('drt_x');
    expect(bearerToken('Basic abc')).toBeNull();
    expect(bearerToken('Bearer a b')).toBeNull();
    expect(bearerToken(undefined)).toBeNull();
  });
});
