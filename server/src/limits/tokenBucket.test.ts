import { describe, expect, it } from 'vitest';
import { TokenBucket } from './tokenBucket.js';

describe('TokenBucket', () => {
  it('starts full: a burst of `burst` operations passes at once, the next is refused', () => {
    const bucket = new TokenBucket(10, 5, 0);
    for (let i = 0; i < 5; i++) expect(bucket.take(0)).toEqual({ ok: true });
    expect(bucket.take(0).ok).toBe(false);
  });

  it('says how long until the next token: 1/rate seconds after emptying', () => {
    const bucket = new TokenBucket(10, 1, 0);
    bucket.take(0);
    expect(bucket.take(0)).toEqual({ ok: false, retryAfterMs: 100 });
    expect(bucket.take(40)).toEqual({ ok: false, retryAfterMs: 60 });
    expect(bucket.take(100)).toEqual({ ok: true });
  });

  it('a refusal takes nothing: waiting retryAfterMs is always enough', () => {
    const bucket = new TokenBucket(3, 1, 0);
    bucket.take(0);
    let now = 0;
    let refused = 0;
    for (let i = 0; i < 10; i++) {
      const take = bucket.take(now);
      if (take.ok) break;
      refused += 1;
      now += take.retryAfterMs;
    }
    expect(refused).toBe(1);
    expect(now).toBe(334);
  });

  it('refills at the rate, never beyond the burst', () => {
    const bucket = new TokenBucket(100, 10, 0);
    for (let i = 0; i < 10; i++) bucket.take(0);
    // 50 ms at 100/s: 5 tokens.
    let passed = 0;
    while (bucket.take(50).ok) passed += 1;
    expect(passed).toBe(5);
    // An hour later: full, but only `burst` deep.
    passed = 0;
    while (bucket.take(3_600_000).ok) passed += 1;
    expect(passed).toBe(10);
  });

  it('sustains exactly the rate over a long run at a steady pace', () => {
    const bucket = new TokenBucket(1_000, 2_000, 0);
    let passed = 0;
    // 10 s of one operation every 0.5 ms (2,000/s asked, 1,000/s allowed, plus the burst).
    for (let t = 0; t < 10_000; t += 0.5) if (bucket.take(t).ok) passed += 1;
    expect(passed).toBeGreaterThanOrEqual(12_000 - 1);
    expect(passed).toBeLessThanOrEqual(12_000);
  });

  it('is full again once idle long enough, and then may be forgotten', () => {
    const bucket = new TokenBucket(10, 2, 0);
    bucket.take(0);
    expect(bucket.isFull(50)).toBe(false);
    expect(bucket.isFull(100)).toBe(true);
  });

  it('a clock stepping back neither adds nor removes tokens', () => {
    const bucket = new TokenBucket(10, 1, 1_000);
    bucket.take(1_000);
    expect(bucket.take(0).ok).toBe(false);
    expect(bucket.take(1_100).ok).toBe(true);
  });

  it('a burst below one still lets one operation through; a rate of zero is a programming error', () => {
    const bucket = new TokenBucket(1, 0, 0);
    expect(bucket.take(0).ok).toBe(true);
    expect(() => new TokenBucket(0, 10, 0)).toThrow(/positive rate/);
  });
});
