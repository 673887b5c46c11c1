/**
 * Finding which declaration a thing belongs to, before taking that
 * declaration's lock. These reads go straight to SQL and bypass the identity
 * map on purpose: an entity loaded before the lock could be stale once the
 * lock is ours, so commands load entities only after locking.
 *
 * Lock vocabulary, one name per idea: `command.lockDeclaration(id)` takes
 * the row lock of a declaration by id; `lockDeclarationOf(command, action,
 * kind, id)` finds the declaration a thing belongs to, checks the action and
 * takes that lock; each command file's `lockFor<Subject>` (lockForComment,
 * lockForAmendment, lockForParagraphEdit, lockForDeclaration) does that and
 * then asks the policy about the subject as it is under the lock.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { authorize, type Action } from '../auth/policy.js';
import type { Declaration } from '../db/entities/index.js';
import { notFound } from '../errors.js';
import type { Command } from './command.js';

/**
 * Our ids are UUIDs as the server wrote them: lower case. PostgreSQL's uuid
 * type would also read "ABC...", "{abc...}" or "abc..." without hyphens as
 * the same row, but the commands then look the id up, as sent, among the
 * entities they loaded (and the document hub keys documents by it): another
 * spelling must name nothing, not half of something.
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Whether `id` has the shape of our ids (anything else cannot exist). */
export function isId(id: string): boolean {
  return UUID.test(id);
}

const TABLES = {
  declaration: 'declaration',
  section: 'section',
  paragraph: 'paragraph',
  comment: 'comment',
  amendment: 'amendment',
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

/**
 * The way into every write: find the declaration the target belongs to
 * (NOT_FOUND), check the viewer may perform `action` on it (NOT_FOUND for
 * another declaration's participant, then FORBIDDEN), and lock it.
 */
export async function lockDeclarationOf(command: Command, action: Action, kind: Kind, id: string): Promise<Declaration> {
  const declarationId = await declarationOf(command.em, kind, id);
  authorize(command.viewer, action, declarationId, { what: kind, id });
  return command.lockDeclaration(declarationId);
}
