/**
 * A declaration opened for editing: a Y.Doc (yours or a new one) kept in
 * sync with the server's, over the client's WebSocket, with the others'
 * presence as a y-protocols `Awareness`: a Yjs provider, as editors expect.
 *
 *   open / every reconnect
 *     subscribe documentUpdates(stateVector = local state vector)
 *       first event (sync): what we lack → applied, status 'synced'
 *       then every committed update: applied, unless it is our own echo
 *       (its `origin` is ours: we have it already)
 *   a doc brought with content (y-indexeddb): after the first sync, what the
 *     server lacks of it is sent like a local edit
 *   local edits (any transaction whose origin is not this session)
 *     → the outbox (outbox.ts): one applyUpdate in flight, merged batches,
 *       resent across reconnects, CONFLICT → resync and resend
 *   socket lost → status 'offline'; edits keep queueing; on the next sync the
 *     outbox is woken and sends at once
 *   an edit refused for good, or the stream refused (a revoked token) →
 *     status 'failed' for good: `error` says why, nothing more is sent
 *
 * Remote updates are applied with the session itself as the transaction
 * origin, as y-websocket does with its provider: an editor binding ignores
 * them and does not echo them back.
 */
import { fromBase64, toBase64 } from 'lib0/buffer';
import type { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { AwarenessBridge } from './awareness.js';
import type { ReconnectOptions } from './backoff.js';
import { DraftroomError } from './errors.js';
import { ApplyUpdateDocument, DocumentStateDocument, DocumentUpdatesDocument, PresenceDocument } from './generated/graphql.js';
import { Observable } from './observable.js';
import { Outbox } from './outbox.js';
import { encodePosition, PresenceMap, type PresenceEntry } from './presence.js';
import { PresencePublisher } from './presencePublisher.js';
import { ResilientSubscription } from './resilientSubscription.js';
import type { Transport } from './transport.js';

/** 'connecting' until the first sync; 'synced'; 'offline' while the connection is down; 'failed' for good (see `error`). */
export type SessionStatus = 'connecting' | 'synced' | 'offline' | 'failed';

export type SessionEvents = {
  status: (status: SessionStatus) => void;
  /** True once the local document has caught up with the server's (again); false when the connection is lost. */
  synced: (synced: boolean) => void;
  /** Local updates not yet acknowledged by the server, when that number changes. */
  unsyncedChanges: (count: number) => void;
  /** Everyone present, by participant (see `presence`). */
  presence: (presence: ReadonlyMap<string, PresenceEntry>) => void;
  /** The session failed for good: an edit was refused, or the document stream was. */
  error: (error: DraftroomError) => void;
};

export interface OpenOptions {
  /**
   * The Y.Doc to keep in sync (default: a new one). Bring your own to keep
   * edits across a reload (y-indexeddb): what it holds that the server lacks
   * is sent after the first sync. The session never destroys it.
   */
  doc?: Y.Doc;
  /** The origin string sent with every update (default: a random one). Must be unique to this session. */
  origin?: string;
  /** Follow the `presence` subscription (default true): `presence` and the awareness' remote states. */
  presence?: boolean;
}

export class DraftSession extends Observable<SessionEvents> {
  readonly doc: Y.Doc;
  readonly origin: string;
  status: SessionStatus = 'connecting';
  /** The last server seq applied to the local document. */
  seq = 0;
  /** Resolves once the first sync is applied; rejects if the declaration cannot be opened. */
  readonly ready: Promise<DraftSession>;
  private failedWith: DraftroomError | null = null;
  private readonly outbox: Outbox;
  private readonly updates: ResilientSubscription<unknown, unknown>;
  private readonly presenceStream: ResilientSubscription<unknown, unknown> | null = null;
  private readonly presenceMap: PresenceMap;
  private readonly bridge: AwarenessBridge;
  private readonly publisher: PresencePublisher;
  /** The doc came with content: after the first sync, send what the server lacks of it. */
  private pendingOwnContent: boolean;
  private closed = false;
  private readonly onClose?: () => void;
  private readonly unregisterWake: () => void;
  private readonly opened: { resolve(session: DraftSession): void; reject(error: DraftroomError): void };
  private readonly onLocalUpdate = (update: Uint8Array, origin: unknown) => {
    if (origin !== this) this.outbox.push(update);
  };
  private readonly onDocDestroyed = () => this.close();

  /** Use `client.openDeclaration()`. */
  constructor(
    private readonly transport: Transport,
    readonly declarationId: string,
    options: OpenOptions & { reconnect?: ReconnectOptions; maxBatchBytes?: number; onClose?: () => void } = {},
  ) {
    super();
    this.doc = options.doc ?? new Y.Doc();
    this.pendingOwnContent = this.doc.store.clients.size > 0;
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
        resync: () => this.resync(),
        missingFrom: (serverStateVector) => Y.encodeStateAsUpdate(this.doc, serverStateVector),
        onFailed: (error) => this.fail(error),
        onUnacknowledged: (count) => this.emit('unsyncedChanges', [count]),
      },
      { ...options.reconnect, maxBatchBytes: options.maxBatchBytes },
    );
    this.doc.on('update', this.onLocalUpdate);
    this.doc.on('destroy', this.onDocDestroyed);
    this.unregisterWake = transport.onWake(() => this.outbox.wake());
    this.publisher = new PresencePublisher(transport, declarationId);
    this.bridge = new AwarenessBridge(this.doc, this, (announcement) => void this.publisher.announce(announcement).catch(() => {}));
    this.presenceMap = new PresenceMap(this.doc, () => {
      this.bridge.show(this.presenceMap.connections);
      this.emit('presence', [this.presence]);
    });

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
            if (this.pendingOwnContent) void this.sendOwnContent();
            this.outbox.wake();
            void this.publisher.reannounce();
            opened.resolve(this);
          }
        },
        onOffline: () => {
          if (this.status !== 'connecting') this.setStatus('offline');
        },
        onFailed: (error) => this.fail(error),
      },
      options.reconnect,
    ) as ResilientSubscription<unknown, unknown>;

    if (options.presence !== false) {
      this.presenceStream = new ResilientSubscription(
        transport,
        PresenceDocument,
        {
          variables: () => {
            // The server sends its whole snapshot first on every (re)subscription.
            this.presenceMap.beginRefresh();
            return { declarationId };
          },
          onEvent: ({ presence }) => this.presenceMap.apply(presence),
          onFailed: () => {}, // the document stream reports what matters; presence is best effort
        },
        options.reconnect,
      ) as ResilientSubscription<unknown, unknown>;
    }
  }

  /**
   * The others' presence as a y-protocols Awareness, for editor bindings
   * (`yCollab(ytext, session.awareness)`): one remote state per connection,
   * `{ user: { name, color, colorLight }, cursor: { anchor, head }, participant,
   * paragraphId, connectionId }`. Setting the local state's `cursor` (as
   * bindings do) tells the others.
   */
  get awareness(): Awareness {
    return this.bridge.awareness;
  }

  /** Everyone present in the declaration (this participant included), by participant id: each one's most recently moved connection. */
  get presence(): ReadonlyMap<string, PresenceEntry> {
    return this.presenceMap.byParticipant();
  }

  /** Every connection present (two tabs of one participant are two), by connection. */
  get connections(): ReadonlyMap<string, PresenceEntry> {
    return this.presenceMap.connections;
  }

  /** True while the local document is caught up with the server's (status 'synced'). */
  get synced(): boolean {
    return this.status === 'synced';
  }

  /** What stopped the session for good (status 'failed'): a refused edit, a lost authorisation; else null. */
  get error(): DraftroomError | null {
    return this.failedWith;
  }

  /** The same as `error` (its name before status 'failed'). */
  get failure(): DraftroomError | null {
    return this.failedWith;
  }

  /** The paragraph's text in the local document (`doc.getText(paragraphId)`), ready for an editor binding. */
  text(paragraphId: string): Y.Text {
    return this.doc.getText(paragraphId);
  }

  /**
   * Resolves with the highest acknowledged seq once every local edit made so
   * far is committed on the server, waiting across reconnects; rejects with
   * the DraftroomError that stopped the session for good.
   */
  flushed(): Promise<number> {
    return this.outbox.flushed();
  }

  /** Local updates not yet acknowledged (what Hocuspocus calls unsynced changes). */
  get unsyncedChanges(): number {
    return this.outbox.unacknowledged;
  }

  /** The same as `unsyncedChanges`. */
  get unacknowledged(): number {
    return this.outbox.unacknowledged;
  }

  /**
   * Tells the others where this participant is: a paragraph (or null) and a
   * cursor, as an offset into the paragraph's text or a Y.RelativePosition.
   * Remembered and announced again after every reconnect; while offline it
   * resolves at once (the announcement goes out on reconnect). Editors that
   * use `awareness` need not call it.
   */
  setPresence(paragraphId: string | null, cursor?: number | Y.RelativePosition | null): Promise<void> {
    return this.publisher.announce({ paragraphId, cursor: encodePosition(this.doc, paragraphId, cursor), selectionAnchor: null });
  }

  /** Ends the session: streams stop, unacknowledged edits are abandoned (`flushed()` rejects). The doc stays readable. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.stopSyncing();
    this.bridge.destroy();
    this.outbox.close();
    // No-op once synced; before that, `openDeclaration()` must not wait forever.
    this.opened.reject(new DraftroomError('NETWORK_ERROR', 'the session was closed before it was synced'));
    if (this.status !== 'failed') this.setStatus('offline');
    this.onClose?.();
    this.destroy();
  }

  private stopSyncing(): void {
    this.doc.off('update', this.onLocalUpdate);
    this.doc.off('destroy', this.onDocDestroyed);
    this.unregisterWake();
    this.updates.stop();
    this.presenceStream?.stop();
    this.publisher.stop();
    this.presenceMap.clear();
  }

  /** `documentState` from our state vector, applied as remote; resolves with the server's state vector. */
  private async resync(): Promise<Uint8Array> {
    const stateVector = toBase64(Y.encodeStateVector(this.doc));
    const data = await this.transport.execute(DocumentStateDocument, { declarationId: this.declarationId, stateVector });
    Y.applyUpdate(this.doc, fromBase64(data.documentState.update), this);
    return fromBase64(data.documentState.stateVector);
  }

  /** The doc came with content (y-indexeddb): send what the server lacks of it, as a local edit. Retried on the next sync if it fails. */
  private async sendOwnContent(): Promise<void> {
    this.pendingOwnContent = false;
    try {
      const missing = Y.encodeStateAsUpdate(this.doc, await this.resync());
      const { structs, ds } = Y.decodeUpdate(missing);
      if (structs.length > 0 || ds.clients.size > 0) this.outbox.push(missing);
    } catch (error) {
      if (error instanceof DraftroomError && !error.retryable) this.fail(error);
      else this.pendingOwnContent = true;
    }
  }

  private setStatus(status: SessionStatus): void {
    if (this.status === status || this.status === 'failed') return;
    const wasSynced = this.synced;
    this.status = status;
    this.emit('status', [status]);
    if (wasSynced !== this.synced) this.emit('synced', [this.synced]);
  }

  /** Stopped for good: nothing more is sent or received; `flushed()` and a pending open reject with `error`. */
  private fail(error: DraftroomError): void {
    if (this.failedWith || this.closed) return;
    this.failedWith = error;
    this.stopSyncing();
    this.outbox.close(error);
    this.opened.reject(error);
    this.setStatus('failed');
    this.emit('error', [error]);
  }
}
