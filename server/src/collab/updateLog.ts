/**
 * Storage of a declaration's Yjs document in PostgreSQL.
 *
 * The document is a snapshot (`doc_snapshot`: the merged state of every
 * update up to `seq`) plus the log of updates committed after it
 * (`doc_update`, one row per update, `seq` 1, 2, 3, ... per declaration).
 * Loading reads the snapshot and the tail. Seqs are handed out from
 * `declaration.last_doc_seq` under the declaration's row lock, so they are
 * gapless and increase in commit order across every server instance.
 *
 * Every function takes the SQL connection it must use: inside a command's
 * transaction for writes, any fork for reads.
 */
import type { EntityManager } from '@mikro-orm/postgresql';

export interface StoredUpdate {
  seq: number;
  update: Uint8Array;
  origin: string | null;
}

export interface StoredSnapshot {
  seq: number;
  state: Uint8Array;
}

/**
 * Runs `sql` with its parameters bound by PostgreSQL, in `em`'s transaction
 * if it has one. `em.execute` inlines parameters into the SQL text instead:
 * for the hot path's bytes and paragraph texts (up to 100,000 characters),
 * escaping them into literals costs more than the statement itself.
 */
export async function executeBound<T = unknown>(em: EntityManager, sql: string, params: unknown[]): Promise<T[]> {
  const query = em.getKnex().raw(sql, params as never[]);
  const transaction = em.getTransactionContext();
  if (transaction) query.transacting(transaction);
  const result = (await query) as { rows: T[] };
  return result.rows;
}

/** The snapshot of a declaration's document, or null when none was taken yet. */
export async function readSnapshot(em: EntityManager, declarationId: string): Promise<StoredSnapshot | null> {
  const rows = await em.execute<{ seq: number; state: Buffer }[]>('select seq, state from doc_snapshot where declaration_id = ?', [declarationId]);
  const row = rows[0];
  return row ? { seq: row.seq, state: new Uint8Array(row.state) } : null;
}

/** Updates with seq > `afterSeq`, in seq order. */
export async function readUpdatesAfter(
  em: EntityManager,
  declarationId: string,
  afterSeq: number,
  limit = 1_000_000,
): Promise<StoredUpdate[]> {
  const rows = await em.execute<{ seq: number; update: Buffer; origin: string | null }[]>(
    'select seq, "update", origin from doc_update where declaration_id = ? and seq > ? order by seq limit ?',
    [declarationId, afterSeq, limit],
  );
  return rows.map((row) => ({ seq: row.seq, update: new Uint8Array(row.update), origin: row.origin }));
}

/**
 * Appends updates to the log. The caller holds the declaration's row lock and
 * has already moved `last_doc_seq` past these seqs (see `allocateDocSeqs`).
 */
export async function insertUpdates(
  em: EntityManager,
  declarationId: string,
  rows: { seq: number; update: Uint8Array; origin: string | null; actorId: string | null }[],
): Promise<void> {
  if (rows.length === 0) return;
  const values: unknown[] = [];
  const tuples = rows.map((row) => {
    values.push(declarationId, row.seq, Buffer.from(row.update), row.origin, row.actorId);
    return '(?, ?, ?, ?, ?, now())';
  });
  await executeBound(
    em,
    `insert into doc_update (declaration_id, seq, "update", origin, actor_id, created_at) values ${tuples.join(', ')}`,
    values,
  );
}
