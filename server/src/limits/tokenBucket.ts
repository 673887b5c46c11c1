/**
 * A token bucket, the pure arithmetic of a rate limit.
 *
 * The bucket holds at most `burst` tokens and gains `ratePerSecond` tokens a
 * second, continuously; it starts full. Each operation takes one token. When
 * there is less than one, the operation is refused and told how long until
 * there is one again (`retryAfterMs`), so a client can wait exactly that long.
 * A client within the rate never waits; one that bursts may send `burst`
 * operations at once and then continues at the rate.
 *
 * Time is passed in (milliseconds, any monotonic origin): the bucket never
 * reads a clock, so it is tested without one.
 */

export type Take = { ok: true } | { ok: false; retryAfterMs: number };

export class TokenBucket {
  private tokens: number;
  private readonly capacity: number;

  constructor(
    private readonly ratePerSecond: number,
    burst: number,
    private updatedAt: number,
  ) {
    if (!(ratePerSecond > 0)) throw new Error(`a token bucket needs a positive rate, got ${ratePerSecond}`);
    // Fewer than one token would refuse everything: the smallest useful bucket holds one.
    this.capacity = Math.max(1, burst);
    this.tokens = this.capacity;
  }

  /** Takes one token at time `now`, or says how long until one is there. Refusing takes nothing. */
  take(now: number): Take {
    this.refill(now);
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterMs: Math.max(1, Math.ceil(((1 - this.tokens) * 1000) / this.ratePerSecond)) };
  }

  /** Whether the bucket is full at `now`: it remembers nothing a fresh bucket would not (it may be dropped). */
  isFull(now: number): boolean {
    this.refill(now);
    return this.tokens >= this.capacity;
  }

  private refill(now: number): void {
    // A clock that steps back adds nothing (and takes nothing away).
    const elapsed = Math.max(0, now - this.updatedAt);
    this.updatedAt = Math.max(this.updatedAt, now);
    this.tokens = Math.min(this.capacity, this.tokens + (elapsed * this.ratePerSecond) / 1000);
  }
}
