/**
 * Latency histograms that several processes fill and the bench process
 * merges: 2,000 subscribers times hundreds of updates are too many samples
 * to ship over IPC one by one. Buckets grow by 1% from 0.01 ms, so a
 * percentile read from a merged histogram is within 1% of the exact value
 * (the maximum is kept exactly).
 */

const FLOOR_MS = 0.01;
const GROWTH = 1.01;
const LOG_GROWTH = Math.log(GROWTH);

/** What crosses the IPC channel (JSON): [bucket, count] pairs. */
export interface HistogramData {
  buckets: [number, number][];
  count: number;
  sum: number;
  max: number;
}

export interface Percentiles {
  samples: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

export class LatencyHistogram {
  private readonly counts = new Map<number, number>();
  count = 0;
  sum = 0;
  max = Number.NEGATIVE_INFINITY;

  record(ms: number): void {
    if (!Number.isFinite(ms)) return;
    const value = Math.max(0, ms);
    const bucket = value <= FLOOR_MS ? 0 : Math.ceil(Math.log(value / FLOOR_MS) / LOG_GROWTH);
    this.counts.set(bucket, (this.counts.get(bucket) ?? 0) + 1);
    this.count += 1;
    this.sum += value;
    if (value > this.max) this.max = value;
  }

  merge(data: HistogramData): this {
    for (const [bucket, count] of data.buckets) this.counts.set(bucket, (this.counts.get(bucket) ?? 0) + count);
    this.count += data.count;
    this.sum += data.sum;
    if (data.count > 0 && data.max > this.max) this.max = data.max;
    return this;
  }

  /** The upper bound of the bucket holding the nearest-rank percentile (never above the maximum). */
  percentile(p: number): number {
    if (this.count === 0) return Number.NaN;
    const rank = Math.min(this.count, Math.max(1, Math.ceil((p / 100) * this.count)));
    let seen = 0;
    for (const bucket of [...this.counts.keys()].sort((a, b) => a - b)) {
      seen += this.counts.get(bucket)!;
      if (seen >= rank) return Math.min(this.max, FLOOR_MS * GROWTH ** bucket);
    }
    return this.max;
  }

  summary(): Percentiles {
    return {
      samples: this.count,
      p50: this.percentile(50),
      p95: this.percentile(95),
      p99: this.percentile(99),
      max: this.count ? this.max : Number.NaN,
      mean: this.count ? this.sum / this.count : Number.NaN,
    };
  }

  toData(): HistogramData {
    return { buckets: [...this.counts.entries()], count: this.count, sum: this.sum, max: this.count ? this.max : 0 };
  }
}

/**
 * Milliseconds on the machine's monotonic clock (CLOCK_MONOTONIC, the same in
 * every process): a time taken in one process can be subtracted from one
 * taken in another, which `performance.now()` (per-process origin) does not
 * allow.
 */
export function machineNowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}
