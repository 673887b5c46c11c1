/**
 * A graphql-ws connection spoken by hand (graphql-transport-ws over `ws`),
 * for tests that must see exactly what the server does with a connection:
 * whether `connection_init` is acknowledged or the socket closed (and with
 * which code and reason), and each message of each operation id.
 *
 *     const socket = await RawSocket.connect(server.wsUrl, token);   // rejects with { code, reason } if closed instead of acked
 *     socket.subscribe('1', 'subscription($d: ID!) { changes(declarationId: $d) { seq } }', { d });
 *     const first = await socket.next('1');                            // { type: 'next' | 'error' | 'complete', payload }
 *     const { code, reason } = await socket.closed;
 */
import WebSocket from 'ws';
import { waitFor } from '../support/waitFor.js';

export interface Closed {
  code: number;
  reason: string;
}

export interface OperationMessage {
  type: 'next' | 'error' | 'complete';
  payload?: any;
}

export class RawSocket {
  /** Every message of each operation id, in arrival order. */
  private readonly messages = new Map<string, OperationMessage[]>();
  private readonly read = new Map<string, number>();
  /** Resolves when the socket closes, with the server's close code and reason. */
  readonly closed: Promise<Closed>;
  private closedWith: Closed | null = null;

  private constructor(private readonly ws: WebSocket) {
    this.closed = new Promise((resolve) =>
      ws.on('close', (code, reason) => {
        this.closedWith = { code, reason: reason.toString() };
        resolve(this.closedWith);
      }),
    );
    ws.on('message', (data) => {
      const message = JSON.parse(data.toString());
      if (message.type === 'ping') ws.send(JSON.stringify({ type: 'pong' }));
      if (!message.id) return;
      const list = this.messages.get(message.id) ?? [];
      list.push({ type: message.type, payload: message.payload });
      this.messages.set(message.id, list);
    });
  }

  /** Opens a connection and sends connection_init with `token`; resolves once acknowledged, rejects with the close otherwise. */
  static connect(url: string, token: string | null): Promise<RawSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, 'graphql-transport-ws');
      const socket = new RawSocket(ws);
      ws.on('error', (error) => reject(error));
      ws.on('open', () => ws.send(JSON.stringify({ type: 'connection_init', payload: token ? { authorization: `Bearer ${token}` } : {} })));
      ws.on('message', (data) => {
        if (JSON.parse(data.toString()).type === 'connection_ack') resolve(socket);
      });
      void socket.closed.then((closed) => reject(closed));
    });
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  subscribe(id: string, query: string, variables?: Record<string, unknown>): void {
    this.ws.send(JSON.stringify({ id, type: 'subscribe', payload: { query, variables } }));
  }

  complete(id: string): void {
    this.ws.send(JSON.stringify({ id, type: 'complete' }));
  }

  /** The next message of operation `id` not returned before (waits for it; fails if the socket closes first). */
  async next(id: string): Promise<OperationMessage> {
    const index = this.read.get(id) ?? 0;
    const message = await waitFor(`message ${index + 1} of operation ${id}`, () => {
      const found = this.messages.get(id)?.[index];
      if (found) return found;
      if (this.closedWith) throw new Error(`socket closed (${this.closedWith.code} ${this.closedWith.reason}) before message ${index + 1} of ${id}`);
      return null;
    });
    this.read.set(id, index + 1);
    return message;
  }

  /** Runs one query or mutation and returns its first message (`next` with the result, or `error`). */
  async run(id: string, query: string, variables?: Record<string, unknown>): Promise<OperationMessage> {
    this.subscribe(id, query, variables);
    return this.next(id);
  }

  close(): void {
    this.ws.close(1000);
  }
}
