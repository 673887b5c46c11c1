/**
 * What a command is given: the `Command` a write runs with (see runCommand.ts
 * for how it runs). Types only, and type imports only: every command and
 * everything it calls imports this file, so it must import nothing that
 * could lead back to them (test/architecture.test.ts keeps the graph free of
 * cycles).
 *
 * A command sees the transaction, who it runs for, and the few long-lived
 * parts of the server it uses; not the whole `Services` bag, so that what a
 * command can touch is written here, once.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { LiveConnections } from '../auth/liveConnections.js';
import type { Viewer } from '../auth/policy.js';
import type { DocumentHub } from '../collab/documentHub.js';
import type { Limits } from '../config.js';
import type { Declaration } from '../db/entities/index.js';
import type { FeedItem } from '../feed/changeFeed.js';

/**
 * The server acting by itself, for nobody (adoption at the deadline, the
 * coalesced PARAGRAPH_EDITED events). It has no role, so no permission: the
 * commands it runs check none, and a command that checks one cannot be given
 * it (its type asks for a `Viewer`). The one value is `SYSTEM_VIEWER`.
 */
export interface SystemViewer {
  readonly id: null;
  /** How change summaries name it ("The server ..."). */
  readonly name: string;
  readonly role: null;
  readonly delegation: null;
  readonly declarationId: null;
}

/** Whoever a command runs for: a signed-in participant, or the server itself. */
export type Actor = Viewer | SystemViewer;

/** The parts of the running server a command may use. */
export interface CommandServices {
  limits: Limits;
  /** The live Yjs documents (a command that writes text goes through them). */
  hub: DocumentHub;
  /** This instance's open WebSockets (a revocation closes them after commit). */
  connections: Pick<LiveConnections, 'revoke'>;
}

/**
 * One transaction, run for `viewer`. A command that checks permissions takes
 * `Command` (a participant); one the server may run by itself takes
 * `Command<Actor>`.
 */
export interface Command<V extends Actor = Viewer> extends CommandServices {
  /** The transaction's entity manager. */
  em: EntityManager;
  readonly viewer: V;
  /** Runs `effect` once the transaction has committed (never if it rolls back). */
  afterCommit(effect: () => void): void;
  /**
   * Announces a change event once the transaction commits: to other
   * instances by a NOTIFY sent inside it (PostgreSQL delivers it on commit
   * only), to this instance's change-feed subscribers right after.
   */
  announce(item: FeedItem): void;
  /** Runs `undo` if the transaction rolls back (e.g. to drop in-memory state). */
  onRollback(undo: () => void): void;
  /**
   * Loads the declaration with `SELECT ... FOR UPDATE`: every other write to it,
   * from this process or another, waits until this transaction ends. A
   * declaration whose silence deadline has passed is adopted there and then.
   */
  lockDeclaration(declarationId: string): Promise<Declaration>;
  /** Whether this transaction adopted the declaration (its silence deadline had passed). */
  adoptedHere(declarationId: string): boolean;
}
