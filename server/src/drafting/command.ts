/**
 * How a write runs: one transaction, the declaration's lock, then effects.
 *
 *     runCommand(em, services, viewer, async (command) => {
 *       const declaration = await command.lockDeclaration(id);   // SELECT ... FOR UPDATE
 *       ...change entities, recordChange(command, declaration, {...})...
 *       command.afterCommit(() => ...);                          // broadcasts
 *     });
 *
 * Everything a command writes (rows, change events, Yjs updates) commits or
 * rolls back together. Broadcasts wait for the commit: nobody hears of a
 * change that could still vanish. A command that fails has changed nothing.
 */
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Viewer } from '../auth/policy.js';
import { feedNews, NOTIFY_CHANNEL } from '../collab/instanceNews.js';
import { Declaration } from '../db/entities/index.js';
import { notFound } from '../errors.js';
import { settleDeadline } from './silence.js';
import type { Services } from '../services.js';

export interface Command {
  /** The transaction's entity manager. */
  em: EntityManager;
  viewer: Viewer | null;
  services: Services;
  /** Runs `effect` once the transaction has committed (never if it rolls back). */
  afterCommit(effect: () => void): void;
  /** Tells other instances, when the transaction commits, that the feed of `declarationId` reaches `seq`. */
  notifyFeed(declarationId: string, seq: number): void;
  /** Runs `undo` if the transaction rolls back (e.g. to drop in-memory state). */
  onRollback(undo: () => void): void;
  /**
   * Loads the declaration with `SELECT ... FOR UPDATE`: every other write to it,
   * from this process or another, waits until this transaction ends.
   */
  lockDeclaration(declarationId: string): Promise<Declaration>;
  /** Whether this transaction adopted the declaration (its silence deadline had passed). */
  adoptedHere(declarationId: string): boolean;
}

/** Runs `body` in a transaction on a fork of `em`; effects run after commit. */
export async function runCommand<T>(
  em: EntityManager,
  services: Services,
  viewer: Viewer | null,
  body: (command: Command) => Promise<T>,
): Promise<T> {
  const effects: (() => void)[] = [];
  const undos: (() => void)[] = [];
  const feedHeads = new Map<string, number>();
  const adopted = new Set<string>();
  let result: T;
  try {
    result = await em.fork().transactional(async (tx) => {
      const command: Command = {
        em: tx,
        viewer,
        services,
        afterCommit: (effect) => effects.push(effect),
        onRollback: (undo) => undos.push(undo),
        notifyFeed: (declarationId, seq) => feedHeads.set(declarationId, Math.max(seq, feedHeads.get(declarationId) ?? 0)),
        async lockDeclaration(declarationId) {
          const declaration = await tx.findOne(
            Declaration,
            { id: declarationId },
            { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true },
          );
          if (!declaration) throw notFound('declaration', declarationId);
          if (await settleDeadline(command, declaration)) adopted.add(declarationId);
          return declaration;
        },
        adoptedHere: (declarationId) => adopted.has(declarationId),
      };
      const value = await body(command);
      // NOTIFY is delivered when (and only if) the transaction commits.
      for (const [declarationId, seq] of feedHeads) {
        await tx.execute('select pg_notify(?, ?)', [NOTIFY_CHANNEL, feedNews(declarationId, seq)]);
      }
      return value;
    });
  } catch (error) {
    for (const undo of undos) undo();
    throw error;
  }
  for (const effect of effects) {
    try {
      effect();
    } catch (error) {
      services.log.error({ err: error }, 'post-commit effect failed');
    }
  }
  return result;
}
