/**
 * Serving, then draining: what an instance accepts while it shuts down.
 *
 * `serving`: everything is accepted. `drain()` switches to `draining`, for
 * good:
 *  - the HTTP listener closes (new connections are refused by the kernel);
 *  - a request still arriving on an open keep-alive connection gets HTTP 503
 *    with a GraphQL error UNAVAILABLE (`gate`), a WebSocket upgrade gets
 *    HTTP 503 (`verifyClient`), an operation on an open socket gets
 *    UNAVAILABLE (see wsOperations.ts): never an acknowledgement of
 *    something that will not be committed;
 *  - requests and operations already running go on: `quiet()` resolves when
 *    none is left (their answers are on the wire by then);
 *  - every answer given from then on says `Connection: close`.
 * Then the shutdown (shutdown.ts) commits what is queued, `closeSockets()`
 * closes every WebSocket with 1012 "server restarting", and
 * `lingerHttp()` gives idle keep-alive connections a moment to send one
 * more request (answered 503, closing) before they are closed. Closing an
 * idle keep-alive connection at once would race with a client sending its
 * next request on it: the request would be lost without any answer, and
 * the client could not tell whether it had been applied.
 *
 * /healthz (liveness), /readyz (which answers 503 "draining") and /metrics
 * stay served while draining.
 */
import type http from 'node:http';
import net from 'node:net';
import type express from 'express';
import type { WebSocket, WebSocketServer } from 'ws';
import type { Metrics } from '../observability/metrics.js';
import { CLOSE_RESTARTING, CLOSE_RESTARTING_REASON } from './closeCodes.js';

export type ServingState = 'serving' | 'draining';

/** Paths served whatever the state: an orchestrator must still see the instance. */
const ALWAYS_SERVED = new Set(['/healthz', '/readyz', '/metrics']);

const DRAINING_MESSAGE = 'the server is restarting and takes no new requests: retry (another instance, or this one shortly)';

type VerifyClient = (info: { req: http.IncomingMessage }, callback: (ok: boolean, code?: number, message?: string) => void) => void;

export class Serving {
  private current: ServingState = 'serving';
  private httpServer: http.Server | null = null;
  private wsServer: WebSocketServer | null = null;
  /** Answers not yet sent (HTTP requests in flight). */
  private readonly responses = new Set<http.ServerResponse>();
  /** Open HTTP connections (WebSockets excepted). */
  private readonly connections = new Set<net.Socket>();
  private readonly operations = new Set<Promise<unknown>>();
  private readonly quietWaiters = new Set<() => void>();

  constructor(private readonly metrics: Metrics | null = null) {}

  get state(): ServingState {
    return this.current;
  }

  get draining(): boolean {
    return this.current === 'draining';
  }

  /** HTTP requests and WebSocket operations running now. */
  get inFlight(): number {
    return this.responses.size + this.operations.size;
  }

  /** Takes charge of the servers: counts requests and sockets, refuses upgrades while draining. */
  attach(httpServer: http.Server, wsServer: WebSocketServer): void {
    this.httpServer = httpServer;
    this.wsServer = wsServer;
    httpServer.on('connection', (socket: net.Socket) => {
      this.connections.add(socket);
      socket.once('close', () => this.connections.delete(socket));
    });
    httpServer.on('upgrade', (req: http.IncomingMessage) => this.connections.delete(req.socket));
    // Before Express's listener, which may answer at once.
    httpServer.prependListener('request', (_req: http.IncomingMessage, res: http.ServerResponse) => {
      if (this.draining && !res.headersSent) res.setHeader('connection', 'close');
      this.responses.add(res);
      res.once('close', () => {
        this.responses.delete(res);
        this.wakeIfQuiet();
      });
    });
    wsServer.on('connection', (socket) => {
      this.metrics?.webSocketConnections.inc();
      socket.once('close', () => this.metrics?.webSocketConnections.dec());
    });
    // ws reads `options.verifyClient` at each upgrade; keep any check set before ours.
    const previous = wsServer.options.verifyClient as VerifyClient | ((info: { req: http.IncomingMessage }) => boolean) | undefined;
    const verifyClient: VerifyClient = (info, callback) => {
      if (this.draining) {
        this.metrics?.reject('UNAVAILABLE');
        return callback(false, 503, 'Service Unavailable: server restarting');
      }
      if (!previous) return callback(true);
      if (previous.length >= 2) return (previous as VerifyClient)(info, callback);
      callback((previous as (info: { req: http.IncomingMessage }) => boolean)(info));
    };
    wsServer.options.verifyClient = verifyClient as never;
  }

  /** Express middleware: while draining, answers 503 UNAVAILABLE to everything but the operational paths. */
  readonly gate: express.RequestHandler = (req, res, next) => {
    if (!this.draining || ALWAYS_SERVED.has(req.path)) return next();
    this.metrics?.reject('UNAVAILABLE');
    res.setHeader('connection', 'close');
    res.setHeader('retry-after', '1');
    res.status(503).json({ errors: [{ message: DRAINING_MESSAGE, extensions: { code: 'UNAVAILABLE' } }] });
  };

  /** The message of an operation refused because the instance is draining. */
  get drainingMessage(): string {
    return DRAINING_MESSAGE;
  }

  /** Counts a WebSocket operation as running until `operation` settles. */
  track<T>(operation: Promise<T>): Promise<T> {
    const tracked = operation.finally(() => {
      this.operations.delete(tracked);
      this.wakeIfQuiet();
    });
    tracked.catch(() => undefined);
    this.operations.add(tracked);
    return operation;
  }

  /** Stops accepting: listener closed, everything new refused, every later answer closes its connection. */
  drain(): void {
    if (this.draining) return;
    this.current = 'draining';
    // net.Server's close, not http.Server's: that one also closes idle keep-alive connections at once (see lingerHttp).
    if (this.httpServer?.listening) net.Server.prototype.close.call(this.httpServer);
    for (const res of this.responses) if (!res.headersSent) res.setHeader('connection', 'close');
  }

  /**
   * Waits (at most `ms`) for the clients of idle keep-alive connections to
   * close them, each after one more request answered 503; then closes the
   * ones left.
   */
  async lingerHttp(ms: number): Promise<void> {
    const deadline = Date.now() + ms;
    while (this.connections.size > this.responses.size && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    this.httpServer?.closeIdleConnections();
  }

  /**
   * Resolves when no request or operation is running, and their answers have
   * been handed to the sockets (one macrotask after the last one settled:
   * graphql-ws sends a result a few microtasks after the operation resolves).
   */
  async quiet(): Promise<void> {
    while (this.inFlight > 0) await new Promise<void>((resolve) => this.quietWaiters.add(resolve));
    await new Promise<void>((resolve) => setImmediate(resolve));
  }

  /** Open WebSockets. */
  get sockets(): number {
    return this.wsServer?.clients.size ?? 0;
  }

  /**
   * Closes every WebSocket with 1012 "server restarting" and waits (at most
   * `waitMs`) for the closing handshakes; sockets still open then are cut.
   */
  async closeSockets(waitMs: number): Promise<void> {
    const clients = [...(this.wsServer?.clients ?? [])];
    if (clients.length === 0) return;
    const closed = clients.map((socket) => closedPromise(socket));
    for (const socket of clients) socket.close(CLOSE_RESTARTING, CLOSE_RESTARTING_REASON);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(closed), new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(0, waitMs))))]);
    clearTimeout(timer);
    for (const socket of clients) if (socket.readyState !== socket.CLOSED) socket.terminate();
  }

  /** The shutdown ran out of time: cut every connection, answered or not. */
  forceClose(): void {
    for (const socket of this.wsServer?.clients ?? []) socket.terminate();
    this.httpServer?.closeAllConnections();
  }

  private wakeIfQuiet(): void {
    if (this.inFlight > 0) return;
    for (const wake of this.quietWaiters) wake();
    this.quietWaiters.clear();
  }
}

function closedPromise(socket: WebSocket): Promise<void> {
  if (socket.readyState === socket.CLOSED) return Promise.resolve();
  return new Promise((resolve) => socket.once('close', () => resolve()));
}
