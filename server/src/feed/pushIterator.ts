/**
 * An async iterator fed by pushes (events from an emitter), for
 * subscriptions whose source is not a sequence (presence). `return()` ends
 * it at once, even while a consumer waits, and runs `onClose` once.
 */
export class PushIterator<T> implements AsyncIterableIterator<T> {
  private readonly queue: T[] = [];
  private waiting: ((result: IteratorResult<T>) => void) | null = null;
  private closed = false;

  constructor(
    private readonly onClose: () => void = () => {},
    private readonly maxQueue = 10_000,
  ) {}

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** Delivers `value`; a consumer that lets `maxQueue` values pile up loses the oldest. */
  push(value: T): void {
    if (this.closed) return;
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = null;
      resolve({ value, done: false });
      return;
    }
    this.queue.push(value);
    if (this.queue.length > this.maxQueue) this.queue.shift();
  }

  next(): Promise<IteratorResult<T>> {
    const value = this.queue.shift();
    if (value !== undefined) return Promise.resolve({ value, done: false });
    if (this.closed) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.waiting = resolve));
  }

  async return(): Promise<IteratorResult<T>> {
    if (!this.closed) {
      this.closed = true;
      this.queue.length = 0;
      this.waiting?.({ value: undefined, done: true });
      this.waiting = null;
      this.onClose();
    }
    return { value: undefined, done: true };
  }

  async throw(error: unknown): Promise<IteratorResult<T>> {
    await this.return();
    throw error;
  }
}

/** Yields `first`, then everything `rest` yields; `return()` reaches `rest`. */
export function startWith<T>(first: T[], rest: AsyncIterator<T>): AsyncIterableIterator<T> {
  const pending = [...first];
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    next() {
      const value = pending.shift();
      if (value !== undefined) return Promise.resolve({ value, done: false });
      return rest.next();
    },
    async return() {
      pending.length = 0;
      return (await rest.return?.()) ?? { value: undefined, done: true };
    },
  };
}

/** `source`'s items mapped by `map`; `return()` reaches `source`. */
export function mapAsync<T, U>(source: AsyncIterator<T>, map: (item: T) => U): AsyncIterableIterator<U> {
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    async next() {
      const result = await source.next();
      return result.done ? { value: undefined, done: true } : { value: map(result.value), done: false };
    },
    async return() {
      await source.return?.();
      return { value: undefined, done: true };
    },
  };
}
