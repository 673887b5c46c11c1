/**
 * Per-request batching (DataLoader): whatever the shape of the query, each
 * kind of row is fetched with one statement per level of the query, never
 * one per parent. This is what keeps the full declaration query at a fixed
 * number of statements (the test counts them).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import {
  Amendment,
  AmendmentPosition,
  Comment,
  Declaration,
  ExplanationOfPosition,
  Paragraph,
  Participant,
  Revision,
  Section,
} from '../db/entities/index.js';
import type { LiveDocument } from '../collab/documentHub.js';
import { settleDeadlinesBeforeRead } from '../drafting/deadlines.js';
import { Structure } from '../drafting/structure.js';
import type { Services } from '../services.js';

export interface Loaders {
  declaration: DataLoader<string, Declaration | null>;
  structure: DataLoader<string, Structure>;
  participant: DataLoader<string, Participant | null>;
  comment: DataLoader<string, Comment | null>;
  /** Top-level comments of a paragraph, oldest first. */
  threads: DataLoader<string, Comment[]>;
  /** Replies in a thread, oldest first. */
  replies: DataLoader<string, Comment[]>;
  /** Amendments of a paragraph, oldest first. */
  amendments: DataLoader<string, Amendment[]>;
  /** Supports and oppositions of an amendment, oldest first. */
  positions: DataLoader<string, AmendmentPosition[]>;
  /** Revisions of a declaration, oldest first. */
  revisions: DataLoader<string, Revision[]>;
  revision: DataLoader<string, Revision | null>;
  explanations: DataLoader<string, ExplanationOfPosition[]>;
  /** The declaration's Yjs document, caught up once per request. */
  document: DataLoader<string, LiveDocument>;
}

function byKey<T>(keys: readonly string[], rows: T[], key: (row: T) => string): (T | null)[] {
  const map = new Map(rows.map((row) => [key(row), row]));
  return keys.map((k) => map.get(k) ?? null);
}

function groupBy<T>(keys: readonly string[], rows: T[], key: (row: T) => string): T[][] {
  const map = new Map<string, T[]>(keys.map((k) => [k, []]));
  for (const row of rows) map.get(key(row))?.push(row);
  return keys.map((k) => map.get(k)!);
}

const oldestFirst = { createdAt: 'asc', id: 'asc' } as const;

export function createLoaders(em: EntityManager, services: Services): Loaders {
  return {
    // A READ THAT WRITES: a declaration whose silence deadline has passed is
    // adopted before anyone reads it, each in a transaction of its own (as the
    // server, SYSTEM_VIEWER) committed before this batch returns. Kept here so
    // no query, however it reaches a declaration, reads SILENCE_PROCEDURE past
    // the deadline; the deadline watcher adopts the others within a second.
    declaration: new DataLoader(async (ids) =>
      byKey(ids, await settleDeadlinesBeforeRead(services, em, await em.find(Declaration, { id: { $in: [...ids] } })), (d) => d.id),
    ),
    structure: new DataLoader(async (ids) => {
      const [sections, paragraphs] = await Promise.all([
        em.find(Section, { declaration: { $in: [...ids] } }),
        em.find(Paragraph, { declaration: { $in: [...ids] } }),
      ]);
      const sectionsOf = groupBy(ids, sections, (s) => s.declaration.id);
      const paragraphsOf = groupBy(ids, paragraphs, (p) => p.declaration.id);
      return ids.map((_, i) => new Structure(sectionsOf[i]!, paragraphsOf[i]!));
    }),
    participant: new DataLoader(async (ids) => byKey(ids, await em.find(Participant, { id: { $in: [...ids] } }), (p) => p.id)),
    comment: new DataLoader(async (ids) => byKey(ids, await em.find(Comment, { id: { $in: [...ids] } }), (c) => c.id)),
    threads: new DataLoader(async (paragraphIds) => {
      const rows = await em.find(Comment, { paragraph: { $in: [...paragraphIds] }, replyTo: null }, { orderBy: oldestFirst });
      return groupBy(paragraphIds, rows, (c) => c.paragraph.id);
    }),
    replies: new DataLoader(async (commentIds) => {
      const rows = await em.find(Comment, { replyTo: { $in: [...commentIds] } }, { orderBy: oldestFirst });
      return groupBy(commentIds, rows, (c) => c.replyTo!.id);
    }),
    amendments: new DataLoader(async (paragraphIds) => {
      const rows = await em.find(Amendment, { paragraph: { $in: [...paragraphIds] } }, { orderBy: oldestFirst });
      return groupBy(paragraphIds, rows, (a) => a.paragraph.id);
    }),
    positions: new DataLoader(async (amendmentIds) => {
      const rows = await em.find(AmendmentPosition, { amendment: { $in: [...amendmentIds] } }, { orderBy: { at: 'asc' } });
      return groupBy(amendmentIds, rows, (p) => p.amendment.id);
    }),
    revisions: new DataLoader(async (declarationIds) => {
      const rows = await em.find(Revision, { declaration: { $in: [...declarationIds] } }, { orderBy: { sequence: 'asc' } });
      return groupBy(declarationIds, rows, (r) => r.declaration.id);
    }),
    revision: new DataLoader(async (ids) => byKey(ids, await em.find(Revision, { id: { $in: [...ids] } }), (r) => r.id)),
    explanations: new DataLoader(async (declarationIds) => {
      const rows = await em.find(ExplanationOfPosition, { declaration: { $in: [...declarationIds] } }, { orderBy: oldestFirst });
      return groupBy(declarationIds, rows, (e) => e.declaration.id);
    }),
    document: new DataLoader(async (ids) => Promise.all(ids.map((id) => services.hub.current(em, id))), { batch: false }),
  };
}
