/**
 * The two ways to the server, behind one object:
 *
 *   - `request`: one operation over HTTP POST (`fetch`), with the bearer
 *     token in `Authorization`. Queries and mutations of applications.
 *   - `execute` / `subscribe`: over one graphql-ws WebSocket on the same
 *     `/graphql` path, the token in `connection_init`. The session sends its
 *     Yjs updates and presence this way (one socket, no CORS preflight per
 *     keystroke in a browser, and presence is tied to the connection).
 *
 * The graphql-ws client is lazy and never retries by itself: when the socket
 * closes, every operation on it fails at once (a retryable NETWORK_ERROR), and
 * the next operation opens a new socket. Reconnecting is the callers' job
 * (`ResilientSubscription`, the session's outbox), because each of them must
 * resubscribe with *new* variables (a state vector, a last seq), which
 * graphql-ws' own retry cannot do.
 *
 * A socket that stops answering (a laptop lid closed, a NAT that forgot us)
 * is found by keepalive: a ping every `keepAliveMs`; no pong within
 * `pongTimeoutMs` terminates it.
 */
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { createClient, type Client, type ExecutionResult } from 'graphql-ws';
import type { ReconnectOptions } from './backoff.js';
import { DraftroomError, type ServerError } from './errors.js';
import { AUTH_CLOSE_CODES } from './protocol.js';

export interface TransportOptions {
  /** The HTTP endpoint, e.g. `https://draftroom.example.org/graphql`; the WebSocket URL is derived from it. */
  url: string;
  /**
   * The participant's bearer token, or a function giving it: called before
   * every WebSocket (re)connection and every HTTP request, so a token that
   * was refreshed meanwhile is the one used.
   */
  token: string | (() => string | Promise<string>);
  /** A WebSocket class: required in Node 20 (pass `ws`'s `WebSocket`); browsers have their own. */
  webSocketImpl?: unknown;
  /** Default: `globalThis.fetch`. */
  fetch?: typeof fetch;
  /** Delays between reconnection attempts. */
  reconnect?: ReconnectOptions;
  /** Ping interval on the WebSocket (ms). Default 10,000. */
  keepAliveMs?: number;
  /** How long a ping may wait for its pong before the socket is deemed dead (ms). Default 5,000. */
  pongTimeoutMs?: number;
  /** How long opening a socket (handshake and connection_ack) may take before it is abandoned and retried (ms). Default 10,000. */
  connectTimeoutMs?: number;
  /** Called as the WebSocket comes and goes. */
  onConnection?: (state: ConnectionState) => void;
}

/** The shared WebSocket's state. */
export type ConnectionState = 'connecting' | 'connected' | 'disconnected';

/** Variables as a caller passes them: optional when the operation needs none. */
export type VariablesOf<V> = {} extends V ? [variables?: V] : [variables: V];


/** A closed socket, a failed connection or a list of GraphQL errors, as a DraftroomError. */
export function socketError(error: unknown): DraftroomError {
  if (error instanceof DraftroomError) return error;
  if (Array.isArray(error)) return DraftroomError.fromServer(error as ServerError[]);
  const close = error as { code?: unknown; reason?: unknown };
  if (typeof close?.code === 'number') {
    const reason = typeof close.reason === 'string' && close.reason ? `: ${close.reason}` : '';
    // Reconnecting with the same token is pointless after these (protocol.ts).
    if ((AUTH_CLOSE_CODES as readonly number[]).includes(close.code)) {
      return new DraftroomError('UNAUTHENTICATED', `the server closed the connection (${close.code}${reason})`, { closeCode: close.code });
    }
    return new DraftroomError('NETWORK_ERROR', `the connection closed (${close.code}${reason})`, { closeCode: close.code });
  }
  return DraftroomError.network('the WebSocket failed', error instanceof Error ? error : undefined);
}

export class Transport {
  readonly httpUrl: string;
  readonly wsUrl: string;
  private readonly ws: Client;
  private readonly fetchImpl: typeof fetch;
  private readonly printed = new WeakMap<object, string>();
  private readonly wakers = new Set<() => void>();
  private closed = false;

  constructor(readonly options: TransportOptions) {
    this.httpUrl = options.url;
    const url = new URL(options.url, typeof location === 'undefined' ? undefined : location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    this.wsUrl = url.toString();
    const fetchImpl = options.fetch ?? globalThis.fetch;
    if (!fetchImpl) throw new TypeError('no fetch: pass options.fetch (this runtime has no global fetch)');
    this.fetchImpl = fetchImpl.bind(globalThis);
    if (this.onOnline) globalThis.addEventListener('online', this.onOnline);
    let socket: { readyState: number } | null = null;
    let pongTimer: ReturnType<typeof setTimeout> | undefined;
    let connectTimer: ReturnType<typeof setTimeout> | undefined;
    const pongTimeoutMs = options.pongTimeoutMs ?? 5_000;
    const connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
    const report = options.onConnection ?? (() => {});
    this.ws = createClient({
      url: this.wsUrl,
      webSocketImpl: options.webSocketImpl ? quietOnError(options.webSocketImpl) : undefined,
      connectionParams: async () => ({ authorization: `Bearer ${await this.token()}` }),
      lazy: true,
      lazyCloseTimeout: 1_000,
      retryAttempts: 0,
      keepAlive: options.keepAliveMs ?? 10_000,
      connectionAckWaitTimeout: connectTimeoutMs,
      on: {
        // A handshake nobody answers (a black-holed network, a middlebox that
        // accepted the TCP connection and went silent) would otherwise hang
        // until the OS gives up, minutes later: abandon it and let callers retry.
        connecting: () => {
          report('connecting');
          clearTimeout(connectTimer);
          connectTimer = setTimeout(() => this.ws.terminate(), connectTimeoutMs);
        },
        connected: (s) => {
          clearTimeout(connectTimer);
          socket = s as typeof socket;
          report('connected');
        },
        closed: () => {
          socket = null;
          clearTimeout(pongTimer);
          clearTimeout(connectTimer);
          report('disconnected');
        },
        ping: (received) => {
          if (received) return;
          clearTimeout(pongTimer);
          // No pong in time: the network is gone. `terminate()` fails every
          // operation at once; a close handshake would wait on the dead link.
          pongTimer = setTimeout(() => {
            if (socket && socket.readyState === 1) this.ws.terminate();
          }, pongTimeoutMs);
        },
        pong: (received) => {
          if (received) clearTimeout(pongTimer);
        },
      },
    });
  }

  /**
   * One query or mutation over HTTP. Resolves with `data`; rejects with a
   * DraftroomError: the server's code, or NETWORK_ERROR when no GraphQL answer
   * arrived (UNAVAILABLE for a proxy's 502/503/504).
   */
  async request<R, V>(document: TypedDocumentNode<R, V>, variables?: V): Promise<R> {
    let response: Response;
    try {
      response = await this.fetchImpl(this.httpUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${await this.token()}` },
        body: JSON.stringify({ query: this.source(document), variables: variables ?? {} }),
      });
    } catch (error) {
      throw DraftroomError.network(`POST ${this.httpUrl} failed`, error);
    }
    let body: ExecutionResult<R>;
    try {
      body = (await response.json()) as ExecutionResult<R>;
    } catch (error) {
      const code = [502, 503, 504].includes(response.status) ? 'UNAVAILABLE' : 'NETWORK_ERROR';
      throw new DraftroomError(code, `expected a GraphQL JSON answer from ${this.httpUrl}, got HTTP ${response.status}`, { status: response.status }, undefined, {
        cause: error,
      });
    }
    return this.dataOf(body, `HTTP ${response.status}`);
  }

  /** One query or mutation over the WebSocket; fails with NETWORK_ERROR if the socket closes first. */
  execute<R, V>(document: TypedDocumentNode<R, V>, variables?: V): Promise<R> {
    return new Promise((resolve, reject) => {
      let result: ExecutionResult<R> | undefined;
      this.ws.subscribe<R>(
        { query: this.source(document), variables: (variables ?? {}) as Record<string, unknown> },
        {
          next: (value) => void (result = value as ExecutionResult<R>),
          error: (error) => reject(socketError(error)),
          complete: () => {
            if (!result) return reject(DraftroomError.network('the operation completed without a result'));
            try {
              resolve(this.dataOf(result, 'WebSocket'));
            } catch (error) {
              reject(error);
            }
          },
        },
      );
    });
  }

  /**
   * Subscribes once, without reconnecting: `next` gets each event's data;
   * `error` is called once, with a DraftroomError, when the subscription fails
   * or its socket closes; `complete` when the server ends it. Returns the
   * function that ends it (after which none of the three is called).
   */
  subscribe<R, V>(
    document: TypedDocumentNode<R, V>,
    variables: V,
    sink: { next(data: R): void; error(error: DraftroomError): void; complete(): void },
  ): () => void {
    let live = true;
    const stop = this.ws.subscribe<R>(
      { query: this.source(document), variables: variables as Record<string, unknown> },
      {
        next: (result) => {
          if (!live) return;
          if (result.errors?.length || !result.data) {
            live = false;
            stop();
            sink.error(result.errors?.length ? DraftroomError.fromServer(result.errors as ServerError[]) : DraftroomError.network('an event without data'));
            return;
          }
          sink.next(result.data as R);
        },
        error: (error) => {
          if (!live) return;
          live = false;
          sink.error(socketError(error));
        },
        complete: () => {
          if (!live) return;
          live = false;
          sink.complete();
        },
      },
    );
    return () => {
      if (!live) return;
      live = false;
      stop();
    };
  }

  /**
   * Registers what to call when waiting for the next attempt should end now
   * (`wakeAll()`): the reconnecting subscriptions and outboxes. Returns the
   * function that unregisters it.
   */
  onWake(wake: () => void): () => void {
    this.wakers.add(wake);
    return () => void this.wakers.delete(wake);
  }

  /** Ends every backoff wait: the next attempts start now (the network is back, says the caller). */
  wakeAll(): void {
    for (const wake of [...this.wakers]) wake();
  }

  /** Closes the socket at once; every open operation fails with NETWORK_ERROR. */
  dropConnection(): void {
    this.ws.terminate();
  }

  /** In a browser: the network came back (the 'online' event), so reconnect now rather than after the backoff. */
  private readonly onOnline: (() => void) | null =
    typeof window !== 'undefined' && typeof globalThis.addEventListener === 'function' ? () => this.wakeAll() : null;

  get isClosed(): boolean {
    return this.closed;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.onOnline) globalThis.removeEventListener?.('online', this.onOnline);
    // Terminate first, so an open socket goes at once; `dispose()` rejects
    // when a connection attempt under way fails, and nobody waits for it now.
    this.ws.terminate();
    void Promise.resolve(this.ws.dispose()).catch(() => {});
  }

  /** The token now (the option, or what its function gives). */
  private async token(): Promise<string> {
    const { token } = this.options;
    return typeof token === 'function' ? await token() : token;
  }

  private source(document: TypedDocumentNode<any, any>): string {
    let text = this.printed.get(document);
    if (text === undefined) this.printed.set(document, (text = print(document)));
    return text;
  }

  private dataOf<R>(body: ExecutionResult<R>, via: string): R {
    if (body.errors?.length) throw DraftroomError.fromServer(body.errors as readonly ServerError[]);
    if (body.data === undefined || body.data === null) throw DraftroomError.network(`expected data in the answer (${via}), got neither data nor errors`);
    return body.data;
  }
}

/**
 * The given WebSocket class, with an 'error' listener that does nothing
 * added to each socket. graphql-ws handles errors through `onerror`, but
 * `terminate()` during the handshake detaches it first, and Node's `ws` then
 * throws its 'error' event (unhandled) out of the process. Browsers' sockets
 * never throw on an unhandled error event; nothing changes for them.
 */
function quietOnError(impl: unknown): unknown {
  const Impl = impl as new (...args: unknown[]) => { on?: (event: string, listener: () => void) => void };
  return class extends Impl {
    constructor(...args: unknown[]) {
      super(...args);
      this.on?.('error', () => {});
    }
  };
}
