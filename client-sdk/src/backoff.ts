/**
 * Reconnect delays: exponential from `minDelayMs` to `maxDelayMs`, with
 * jitter (a random point in the upper half of the step), so that a hundred
 * clients cut by the same outage do not all come back in the same
 * millisecond.
 */

export interface ReconnectOptions {
  /** First delay after a failure (ms). Default 250. */
  minDelayMs?: number;
  /** Longest delay between attempts (ms). Default 5000. */
  maxDelayMs?: number;
}

export class Backoff {
  private failures = 0;
  readonly minDelayMs: number;
  readonly maxDelayMs: number;

  constructor(options: ReconnectOptions = {}) {
    this.minDelayMs = options.minDelayMs ?? 250;
    this.maxDelayMs = Math.max(this.minDelayMs, options.maxDelayMs ?? 5000);
  }

  /** The delay before the next attempt; each call lengthens the following one. */
  next(): number {
    const step = Math.min(this.maxDelayMs, this.minDelayMs * 2 ** this.failures);
    this.failures = Math.min(this.failures + 1, 30);
    return step / 2 + Math.random() * (step / 2);
  }

  /** After a success: the next failure starts again from `minDelayMs`. */
  reset(): void {
    this.failures = 0;
  }
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
