/**
 * Per-request batching (DataLoader): whatever the shape of the query, each
 * kind of row is fetched with one statement per level of the query, never
 * one per parent. This is what keeps the full declaration query at a fixed
 * number of statements (the test counts them).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import { Comment, Declaration, Paragraph, Participant, Section } from '../db/entities/index.js';
import type { LiveDocument } from '../collab/documentHub.js';
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
    declaration: new DataLoader(async (ids) => byKey(ids, await em.find(Declaration, { id: { $in: [...ids] } }), (d) => d.id)),
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
    document: new DataLoader(async (ids) => Promise.all(ids.map((id) => services.hub.current(em, id))), { batch: false }),
  };
}
