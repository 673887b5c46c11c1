/**
 * `DraftroomClient`: the entry point. One per token; it owns one WebSocket
 * (opened when first needed) shared by every session and iterator it makes,
 * and sends `request()`s over HTTP.
 *
 *     const client = new DraftroomClient({ url, token, webSocketImpl: WebSocket });
 *     const { viewer } = await client.request(ViewerDocument);
 *     const session = await client.openDeclaration(declarationId);
 *     for await (const event of client.changes(declarationId, { after: 0 })) { ... }
 *     client.close();
 */
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { changeIterator, type ChangeEvent, type ChangesOptions } from './changes.js';
import { DraftSession, type OpenOptions } from './session.js';
import { Observable } from './observable.js';
import { Transport, type ConnectionState, type TransportOptions, type VariablesOf } from './transport.js';

export interface DraftroomClientOptions extends Omit<TransportOptions, 'onConnection'> {
  /** Most bytes of queued edits sent in one `applyUpdate` (see outbox.ts). Default 256 KiB. */
  maxBatchBytes?: number;
}

export type ClientEvents = {
  /** The shared WebSocket: 'connecting', 'connected' or 'disconnected' (sessions and iterators then reconnect by themselves). */
  connection: (state: ConnectionState) => void;
};

export class DraftroomClient extends Observable<ClientEvents> {
  private readonly transport: Transport;
  private readonly open = new Set<{ close(): unknown }>();
  /** The shared WebSocket's state (see the 'connection' event). */
  connection: ConnectionState = 'disconnected';

  constructor(readonly options: DraftroomClientOptions) {
    super();
    this.transport = new Transport({
      ...options,
      onConnection: (state) => {
        this.connection = state;
        this.emit('connection', [state]);
      },
    });
  }

  /**
   * Runs one typed query or mutation over HTTP and resolves with its data.
   * Rejects with a `DraftroomError` carrying the server's code (or
   * NETWORK_ERROR when no answer came). Not retried: a mutation may have
   * been applied even when its answer was lost.
   */
  request<R, V>(document: TypedDocumentNode<R, V>, ...[variables]: VariablesOf<V>): Promise<R> {
    return this.transport.request(document, variables);
  }

  /**
   * Opens a declaration for editing: resolves with a session once its local
   * Y.Doc is synced with the server. Rejects with a DraftroomError when the
   * declaration cannot be opened (NOT_FOUND, UNAUTHENTICATED...); while the
   * server cannot be reached it keeps trying.
   */
  async openDeclaration(declarationId: string, options: OpenOptions = {}): Promise<DraftSession> {
    const session: DraftSession = new DraftSession(this.transport, declarationId, {
      ...options,
      reconnect: this.options.reconnect,
      maxBatchBytes: this.options.maxBatchBytes,
      onClose: () => this.open.delete(session),
    });
    this.open.add(session);
    try {
      return await session.ready;
    } catch (error) {
      session.close();
      throw error;
    }
  }

  /** The declaration's change feed from `after` on: every event once, in order, across reconnects. */
  changes(declarationId: string, options: ChangesOptions = {}): AsyncIterableIterator<ChangeEvent> & { readonly lastSeq: number } {
    const handle = { close: () => iterator.return?.() };
    const iterator = changeIterator(this.transport, declarationId, options, this.options.reconnect, () => this.open.delete(handle));
    this.open.add(handle);
    return iterator;
  }

  /**
   * Reconnects now: ends the backoff wait of every session and iterator
   * (e.g. when the application learns the network is back). Browsers do it
   * by themselves on the window's 'online' event.
   */
  reconnectNow(): void {
    this.transport.wakeAll();
  }

  /** Closes every session and iterator, then the socket. */
  close(): void {
    for (const item of [...this.open]) void item.close();
    this.open.clear();
    this.transport.close();
  }
}
