import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../errors.js';
import { callerKey, RateLimitError, RateLimits } from './rateLimits.js';

function clock() {
  let now = 0;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

function refusal(fn: () => void): RateLimitError {
  try {
    fn();
  } catch (error) {
    if (error instanceof RateLimitError) return error;
    throw error;
  }
  throw new Error('expected a RateLimitError');
}

describe('RateLimits', () => {
  it('refuses the operation after the burst with BAD_USER_INPUT, the limit, retryAfterMs, and HTTP 429 with Retry-After', () => {
    const time = clock();
    const rates = new RateLimits({ requestsPerSecond: 10, requestBurst: 3, updatesPerSecond: 0, updateBurst: 0 }, time.now);
    for (let i = 0; i < 3; i++) rates.request('token:a');
    const error = refusal(() => rates.request('token:a'));
    expect(error.code).toBe(ErrorCode.BAD_USER_INPUT);
    expect(error.details).toEqual({ limit: 'requestsPerSecond', retryAfterMs: 100 });
    expect(error.message).toMatch(/DRAFTROOM_MAX_REQUESTS_PER_SECOND/);
    expect(error.extensions.http.status).toBe(429);
    expect(error.extensions.http.headers.get('retry-after')).toBe('1');
    time.advance(100);
    expect(() => rates.request('token:a')).not.toThrow();
  });

  it('gives each caller its own buckets', () => {
    const rates = new RateLimits({ requestsPerSecond: 1, requestBurst: 1, updatesPerSecond: 1, updateBurst: 1 }, clock().now);
    rates.request('token:a');
    expect(() => rates.request('token:b')).not.toThrow();
    expect(() => rates.request('token:a')).toThrow(RateLimitError);
  });

  it('counts updates apart from requests, per caller', () => {
    const rates = new RateLimits({ requestsPerSecond: 100, requestBurst: 100, updatesPerSecond: 5, updateBurst: 2 }, clock().now);
    const a = rates.caller('token:a');
    a.update();
    a.update();
    const error = refusal(() => a.update());
    expect(error.details).toEqual({ limit: 'updatesPerSecond', retryAfterMs: 200 });
    expect(error.message).toMatch(/DRAFTROOM_MAX_UPDATES_PER_SECOND/);
    expect(() => rates.caller('token:b').update()).not.toThrow();
    expect(() => rates.request('token:a')).not.toThrow();
  });

  it('a rate of 0 turns the limit off', () => {
    const rates = new RateLimits({ requestsPerSecond: 0, requestBurst: 0, updatesPerSecond: 0, updateBurst: 0 }, clock().now);
    let allowed = 0;
    expect(() => {
      for (let i = 0; i < 10_000; i++) {
        rates.request('token:a');
        rates.caller('token:a').update();
        allowed += 1;
      }
    }, 'ten thousand requests and updates in the same instant').not.toThrow();
    expect(allowed).toBe(10_000);
  });

  it("callerKey: a participant's token by its hash (never the token itself), anyone else by address", () => {
    const key = callerKey('drt_secret', true, '10.0.0.1');
    expect(key).toMatch(/^token:[0-9a-f]{64}$/);
    expect(key).not.toContain('drt_secret');
    expect(callerKey('drt_made_up', false, '10.0.0.1')).toBe('address:10.0.0.1');
    expect(callerKey(null, false, undefined)).toBe('address:unknown');
  });
});
