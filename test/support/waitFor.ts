/**
 * Waiting for something that happens asynchronously (a subscription event,
 * a coalesced change event) without asserting how long it takes: poll a
 * condition until it holds, and fail with a description after a generous
 * bound, so a broken server fails the test instead of hanging it.
 */

export interface WaitOptions {
  /** Give up after this long (ms); default 20 s. A bound against hangs, not a latency assertion. */
  timeoutMs?: number;
  /** Pause between two checks (ms); default 10. */
  intervalMs?: number;
}

/**
 * Resolves with the first truthy value `check` returns (sync or async);
 * rejects with `what` once the bound is reached.
 */
export async function waitFor<T>(what: string, check: () => T | Promise<T>, options: WaitOptions = {}): Promise<NonNullable<T>> {
  const { timeoutMs = 20_000, intervalMs = 10 } = options;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown = null;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as NonNullable<T>;
      lastError = null;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const detail = lastError instanceof Error ? `: ${lastError.message}` : '';
      throw new Error(`timed out waiting for ${what}${detail}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
