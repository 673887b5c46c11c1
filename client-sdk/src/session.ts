/**
 * A declaration opened for editing: a local Y.Doc kept in sync with the
 * server's, over the client's WebSocket.
 *
 *   open / every reconnect
 *     subscribe documentUpdates(stateVector = local state vector)
 *       first event (sync): what we lack → applied, status 'synced'
 *       then every committed update: applied, unless it is our own echo
 *       (its `origin` is ours: we have it already)
 *   local edits (any transaction whose origin is not this session)
 *     → the outbox (outbox.ts): one applyUpdate in flight, merged batches,
 *       resent across reconnects, CONFLICT → resync and resend
 *   socket lost → status 'offline'; edits keep queueing; on the next sync the
 *     outbox is woken and sends at once
 *
 * Remote updates are applied with the session itself as the transaction
 * origin, as y-websocket does with its provider: an editor binding
 * (y-prosemirror, y-codemirror) ignores them and does not echo them back.
 */
import * as Y from 'yjs';
import type { ReconnectOptions } from './backoff.js';
import { fromBase64, toBase64 } from './base64.js';
import { Emitter } from './emitter.js';
import { DraftroomError } from './errors.js';
import { ApplyUpdateDocument, DocumentStateDocument, DocumentUpdatesDocument, PresenceDocument, UpdatePresenceDocument } from './generated/graphql.js';
import { Outbox } from './outbox.js';
import { encodeCursor, PresenceMap, type PresenceEntry } from './presence.js';
import { ResilientSubscription } from './resilientSubscription.js';
import type { Transport } from './transport.js';

export type SessionStatus = 'connecting' | 'synced' | 'offline';

export interface SessionEvents extends Record<string, unknown> {
  status: SessionStatus;
  presence: ReadonlyMap<string, PresenceEntry>;
  /** An edit was refused for good, or the document stream failed for good. */
  error: DraftroomError;
}

export interface OpenOptions {
  /** The origin string sent with every update (default: a random one). Must be unique to this session. */
  origin?: string;
  /** Follow the `presence` subscription (default true). */
  presence?: boolean;
}

export class DraftSession extends Emitter<SessionEvents> {
  readonly doc = new Y.Doc();
  readonly origin: string;
  status: SessionStatus = 'connecting';
  /** The last server seq applied to the local document. */
  seq = 0;
  /** What stopped the session for good (a refused edit, a lost authorisation), if anything. */
  failure: DraftroomError | null = null;
  /** Resolves once the first sync is applied; rejects if the declaration cannot be opened. */
  readonly ready: Promise<DraftSession>;
  private readonly outbox: Outbox;
  private readonly updates: ResilientSubscription<unknown, unknown>;
  private readonly presenceStream: ResilientSubscription<unknown, unknown> | null = null;
  private readonly presenceMap = new PresenceMap(this.doc);
  private announced: { paragraphId: string | null; cursor: string | null } | null = null;
  private closed = false;
  private readonly onClose?: () => void;
  private readonly unregisterWake: () => void;
  private readonly opened: { resolve(session: DraftSession): void; reject(error: DraftroomError): void };
  private readonly onLocalUpdate = (update: Uint8Array, origin: unknown) => {
    if (origin !== this) this.outbox.push(update);
  };

  /** Use `client.openDeclaration()`. */
  constructor(
    private readonly transport: Transport,
    readonly declarationId: string,
    options: OpenOptions & { reconnect?: ReconnectOptions; maxBatchBytes?: number; onClose?: () => void } = {},
  ) {
    super();
    this.origin = options.origin ?? `sdk-${this.doc.clientID}-${Math.random().toString(36).slice(2, 10)}`;
    this.onClose = options.onClose;
    let opened!: { resolve(session: DraftSession): void; reject(error: DraftroomError): void };
    this.ready = new Promise<DraftSession>((resolve, reject) => (opened = { resolve, reject }));
    this.opened = opened;
    this.ready.catch(() => {}); // the caller awaits it through openDeclaration; never an unhandled rejection here

    this.outbox = new Outbox(
      {
        apply: async (update) => {
          const data = await transport.execute(ApplyUpdateDocument, { declarationId, update: toBase64(update), origin: this.origin });
          return data.applyUpdate.seq;
        },
        resync: async () => {
          const data = await transport.execute(DocumentStateDocument, { declarationId, stateVector: toBase64(Y.encodeStateVector(this.doc)) });
          Y.applyUpdate(this.doc, fromBase64(data.documentState.update), this);
          return fromBase64(data.documentState.stateVector);
        },
        missingFrom: (serverStateVector) => Y.encodeStateAsUpdate(this.doc, serverStateVector),
        onFailed: (error) => this.fail(error),
      },
      { ...options.reconnect, maxBatchBytes: options.maxBatchBytes },
    );
    this.doc.on('update', this.onLocalUpdate);
    this.unregisterWake = transport.onWake(() => this.outbox.wake());

    this.updates = new ResilientSubscription(
      transport,
      DocumentUpdatesDocument,
      {
        variables: () => ({ declarationId, stateVector: toBase64(Y.encodeStateVector(this.doc)) }),
        onEvent: ({ documentUpdates: event }) => {
          const update = fromBase64(event.update);
          if (event.sync || event.origin !== this.origin) Y.applyUpdate(this.doc, update, this);
          this.seq = Math.max(this.seq, event.seq);
          if (event.sync) {
            this.setStatus('synced');
            this.outbox.wake();
            void this.reannounce();
            opened.resolve(this);
          }
        },
        onOffline: () => {
          if (this.status !== 'connecting') this.setStatus('offline');
        },
        onFailed: (error) => {
          this.fail(error);
          this.setStatus('offline');
          opened.reject(error);
        },
      },
      options.reconnect,
    ) as ResilientSubscription<unknown, unknown>;

    if (options.presence !== false) {
      this.presenceStream = new ResilientSubscription(
        transport,
        PresenceDocument,
        {
          variables: () => {
            // The server sends its whole snapshot first on every (re)subscription:
            // entries it does not repeat soon after are gone (without a flash of
            // "nobody here" in between).
            this.presenceMap.beginRefresh(() => this.emit('presence', this.presence));
            return { declarationId };
          },
          onEvent: ({ presence }) => {
            if (this.presenceMap.apply(presence)) this.emit('presence', this.presence);
          },
          onFailed: () => {}, // the document stream reports what matters; presence is best effort
        },
        options.reconnect,
      ) as ResilientSubscription<unknown, unknown>;
    }
  }

  /** Everyone present in the declaration (this participant included), by participant id. */
  get presence(): ReadonlyMap<string, PresenceEntry> {
    return this.presenceMap.entries;
  }

  /** The paragraph's text in the local document (`doc.getText(paragraphId)`), ready for an editor binding. */
  text(paragraphId: string): Y.Text {
    return this.doc.getText(paragraphId);
  }

  /**
   * Resolves with the highest acknowledged seq once every local edit made so
   * far is committed on the server, waiting across reconnects; rejects with
   * the DraftroomError that refused an edit for good.
   */
  flushed(): Promise<number> {
    return this.outbox.flushed();
  }

  /** Local updates not yet acknowledged. */
  get unacknowledged(): number {
    return this.outbox.unacknowledged;
  }

  /**
   * Tells the others where this participant is: a paragraph (or null) and a
   * cursor, as an offset into the paragraph's text or a Y.RelativePosition.
   * Remembered and announced again after every reconnect; while offline it
   * resolves at once (the announcement goes out on reconnect).
   */
  async setPresence(paragraphId: string | null, cursor?: number | Y.RelativePosition | null): Promise<void> {
    this.announced = { paragraphId, cursor: encodeCursor(this.doc, paragraphId, cursor) };
    try {
      await this.transport.execute(UpdatePresenceDocument, { declarationId: this.declarationId, ...this.announced });
    } catch (error) {
      if (!(error instanceof DraftroomError) || !error.retryable) throw error;
    }
  }

  /** Ends the session: streams stop, unacknowledged edits are abandoned (`flushed()` rejects). The doc stays readable. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.doc.off('update', this.onLocalUpdate);
    this.unregisterWake();
    this.updates.stop();
    this.presenceStream?.stop();
    this.presenceMap.clear();
    this.outbox.close();
    // No-op once synced; before that, `openDeclaration()` must not wait forever.
    this.opened.reject(new DraftroomError('NETWORK_ERROR', 'the session was closed before it was synced'));
    this.setStatus('offline');
    this.onClose?.();
    this.removeAllListeners();
  }

  private async reannounce(): Promise<void> {
    if (!this.announced) return;
    try {
      await this.transport.execute(UpdatePresenceDocument, { declarationId: this.declarationId, ...this.announced });
    } catch {
      // Best effort: the next reconnect announces again.
    }
  }

  private setStatus(status: SessionStatus): void {
    if (this.status === status) return;
    this.status = status;
    this.emit('status', status);
  }

  private fail(error: DraftroomError): void {
    if (this.failure) return;
    this.failure = error;
    this.emit('error', error);
  }
}
