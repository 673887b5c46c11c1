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
import { feedNews, NOTIFY_CHANNEL } from '../collab/instanceNews.js';
import { Declaration } from '../db/entities/index.js';
import { notFound } from '../errors.js';
import type { ChangeFeed } from '../feed/changeFeed.js';
import type { Logger } from '../logger.js';
import type { Actor, Command, CommandServices, SystemViewer } from './command.js';
import { settleDeadline } from './silence.js';

/** The server itself, as the actor of the commands it runs for nobody. */
export const SYSTEM_VIEWER: SystemViewer = Object.freeze({
  id: null,
  name: 'The server',
  role: null,
  delegation: null,
  declarationId: null,
});

/** What runCommand needs of the server: what commands use, and a log for effects that fail. */
export interface CommandRunner extends CommandServices {
  /** This instance's change-feed subscribers (told of what commands announce). */
  feed: Pick<ChangeFeed, 'published'>;
  log: Logger;
}

/** Runs `body` in a transaction on a fork of `em`; effects run after commit. */
export async function runCommand<T, V extends Actor>(
  em: EntityManager,
  services: CommandRunner,
  viewer: V,
  body: (command: Command<V>) => Promise<T>,
): Promise<T> {
  const effects: (() => void)[] = [];
  const undos: (() => void)[] = [];
  const feedHeads = new Map<string, number>();
  const adopted = new Set<string>();
  let result: T;
  try {
    result = await em.fork().transactional(async (tx) => {
      const command: Command<V> = {
        em: tx,
        viewer,
        limits: services.limits,
        hub: services.hub,
        connections: services.connections,
        afterCommit: (effect) => effects.push(effect),
        onRollback: (undo) => undos.push(undo),
        announce(item) {
          feedHeads.set(item.declarationId, Math.max(item.seq, feedHeads.get(item.declarationId) ?? 0));
          effects.push(() => services.feed.published([item]));
        },
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
