/**
 * Finding which declaration a thing belongs to, before taking that
 * declaration's lock. These reads go straight to SQL and bypass the identity
 * map on purpose: an entity loaded before the lock could be stale once the
 * lock is ours, so commands load entities only after locking.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { notFound } from '../errors.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `id` has the shape of our ids (anything else cannot exist). */
export function isId(id: string): boolean {
  return UUID.test(id);
}

const TABLES = {
  declaration: 'declaration',
  section: 'section',
  paragraph: 'paragraph',
  comment: 'comment',
} as const;

export type Kind = keyof typeof TABLES;

/** The declaration id of the `kind` with `id`; NOT_FOUND when there is none. */
export async function declarationOf(em: EntityManager, kind: Kind, id: string): Promise<string> {
  if (!isId(id)) throw notFound(kind, id);
  if (kind === 'declaration') {
    const rows = await em.execute<{ id: string }[]>('select id from declaration where id = ?', [id]);
    if (!rows[0]) throw notFound(kind, id);
    return rows[0].id;
  }
  const rows = await em.execute<{ declaration_id: string }[]>(`select declaration_id from ${TABLES[kind]} where id = ?`, [id]);
  if (!rows[0]) throw notFound(kind, id);
  return rows[0].declaration_id;
}
