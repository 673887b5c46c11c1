/**
 * Compaction: folding a declaration's update log into its snapshot, so that
 * storage stays in proportion to the document and loading reads one
 * snapshot plus a short tail.
 *
 * A declaration is compacted when its log holds more than `maxUpdates` rows
 * or `maxBytes` bytes after the snapshot. One transaction:
 *   1. take a transaction-scoped advisory lock for the declaration (another
 *      instance compacting it at the same time skips it);
 *   2. read the snapshot and the log up to the current last seq N;
 *   3. build a document from them and encode its state (deleted text is
 *      garbage-collected, so the snapshot is close to the document's size);
 *   4. write the snapshot at seq N and delete the log rows up to N.
 * It never takes the declaration's row lock, so acknowledgements go on while
 * it runs (new rows have seqs above N and are left alone). A crash anywhere
 * before COMMIT leaves the old snapshot and log untouched; after it, the new
 * snapshot already holds everything deleted. The newest `keepTail` rows are
 * kept, so a subscriber that reconnects after a short cut reads the updates it
 * missed one by one.
 */
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import * as Y from 'yjs';
import { isDatabaseUnavailable } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../observability/metrics.js';
import { readSnapshot } from './updateLog.js';

export interface CompactionOptions {
  maxUpdates: number;
  maxBytes: number;
  keepTail: number;
}

export const DEFAULT_COMPACTION: CompactionOptions = { maxUpdates: 1_000, maxBytes: 4 * 1024 * 1024, keepTail: 200 };

export interface CompactionResult {
  declarationId: string;
  foldedUpdates: number;
  foldedBytes: number;
  snapshotBytes: number;
  snapshotSeq: number;
}

export class Compactor {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  /** Totals since start. */
  readonly totals = { runs: 0, foldedUpdates: 0, foldedBytes: 0 };

  constructor(
    private readonly orm: MikroORM,
    private readonly log: Logger,
    readonly options: CompactionOptions = DEFAULT_COMPACTION,
    private readonly metrics: Metrics | null = null,
  ) {}

  start(intervalMs = 5_000): void {
    this.timer ??= setInterval(() => void this.compactDue(), intervalMs);
    this.timer.unref();
  }

  /** Stops the timer and waits for a compaction that is running (shutdown). */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  /** Compacts every declaration whose log is over a threshold. */
  async compactDue(): Promise<CompactionResult[]> {
    if (this.running) return [];
    const run = this.compactAllDue();
    this.running = run;
    try {
      return await run;
    } finally {
      this.running = null;
    }
  }

  private async compactAllDue(): Promise<CompactionResult[]> {
    try {
      const em = this.orm.em.fork();
      const due = await em.execute<{ declaration_id: string }[]>(
        `select u.declaration_id
           from doc_update u left join doc_snapshot s on s.declaration_id = u.declaration_id
          where u.seq > coalesce(s.seq, 0)
          group by u.declaration_id
         having count(*) > ? or sum(octet_length(u."update")) > ?`,
        [this.options.maxUpdates, this.options.maxBytes],
      );
      const results: CompactionResult[] = [];
      for (const row of due) {
        const result = await this.compact(row.declaration_id);
        if (result) results.push(result);
      }
      return results;
    } catch (error) {
      // While the database is out of reach this is expected: the next run catches up.
      if (isDatabaseUnavailable(error)) this.log.warn({ err: error }, 'compaction skipped: database unavailable');
      else this.log.error({ err: error }, 'compaction failed');
      return [];
    }
  }

  /** Folds the log of one declaration into its snapshot, keeping the newest `keepTail` rows. Null if skipped. */
  async compact(declarationId: string, keepTail = this.options.keepTail): Promise<CompactionResult | null> {
    const result = await this.orm.em.fork().transactional(async (em: EntityManager) => {
      const [lock] = await em.execute<{ locked: boolean }[]>('select pg_try_advisory_xact_lock(hashtext(?)) as locked', [
        `compact:${declarationId}`,
      ]);
      if (!lock?.locked) return null;
      const snapshot = await readSnapshot(em, declarationId);
      const [range] = await em.execute<{ last: number | null }[]>('select max(seq) as last from doc_update where declaration_id = ?', [
        declarationId,
      ]);
      const upTo = (range?.last ?? 0) - keepTail;
      if (upTo <= (snapshot?.seq ?? 0)) return null;
      const rows = await em.execute<{ seq: number; update: Buffer }[]>(
        'select seq, "update" from doc_update where declaration_id = ? and seq > ? and seq <= ? order by seq',
        [declarationId, snapshot?.seq ?? 0, upTo],
      );
      const doc = new Y.Doc({ gc: true });
      if (snapshot) Y.applyUpdate(doc, snapshot.state);
      let foldedBytes = 0;
      for (const row of rows) {
        Y.applyUpdate(doc, row.update);
        foldedBytes += row.update.length;
      }
      const state = Y.encodeStateAsUpdate(doc);
      doc.destroy();
      await em.execute(
        `insert into doc_snapshot (declaration_id, seq, state, updated_at) values (?, ?, ?, now())
         on conflict (declaration_id) do update set seq = excluded.seq, state = excluded.state, updated_at = now()
         where doc_snapshot.seq < excluded.seq`,
        [declarationId, upTo, Buffer.from(state)],
      );
      await em.execute('delete from doc_update where declaration_id = ? and seq <= ?', [declarationId, upTo]);
      return { declarationId, foldedUpdates: rows.length, foldedBytes, snapshotBytes: state.length, snapshotSeq: upTo };
    });
    if (result) {
      this.totals.runs += 1;
      this.totals.foldedUpdates += result.foldedUpdates;
      this.totals.foldedBytes += result.foldedBytes;
      this.metrics?.compactionRuns.inc();
      this.metrics?.compactionFoldedUpdates.inc(result.foldedUpdates);
      this.metrics?.compactionFoldedBytes.inc(result.foldedBytes);
      this.log.debug(result, 'compacted');
    }
    return result;
  }
}
