/**
 * A GraphQL client as an application would use it: `query` over HTTP with a
 * bearer token, `subscribe` over graphql-ws with the token in
 * connection_init. No shortcut into the server.
 */
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

export interface GraphQLErrorShape {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; [key: string]: unknown };
}

export interface Result<T = any> {
  data?: T | null;
  errors?: GraphQLErrorShape[];
  status: number;
}

export class GraphQLTestClient {
  private ws: Client | null = null;

  constructor(
    readonly url: string,
    readonly wsUrl: string,
    readonly token: string | null,
  ) {}

  /** Sends one operation over HTTP POST. */
  async query<T = any>(query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Result<T>> {
    const response = await fetch(this.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        ...headers,
      },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as Omit<Result<T>, 'status'>;
    return { ...body, status: response.status };
  }

  /** Like `query`, but throws unless the operation succeeded; returns `data`. */
  async ok<T = any>(query: string, variables?: Record<string, unknown>): Promise<T> {
    const result = await this.query<T>(query, variables);
    if (result.errors?.length || !result.data) {
      throw new Error(`expected success, got ${JSON.stringify(result.errors ?? result)}`);
    }
    return result.data;
  }

  /** The error code of an operation expected to fail (throws if it succeeded). */
  async errorCode(query: string, variables?: Record<string, unknown>): Promise<string> {
    const result = await this.query(query, variables);
    const code = result.errors?.[0]?.extensions?.code;
    if (!code) throw new Error(`expected an error, got ${JSON.stringify(result)}`);
    return code;
  }

  /** The graphql-ws client of this token, connected lazily. */
  socket(): Client {
    this.ws ??= createClient({
      url: this.wsUrl,
      webSocketImpl: WebSocket,
      connectionParams: this.token ? { authorization: `Bearer ${this.token}` } : {},
      retryAttempts: 0,
      lazy: true,
    });
    return this.ws;
  }

  /** Runs one operation over WebSocket and returns its single result. */
  async overSocket<T = any>(query: string, variables?: Record<string, unknown>): Promise<Omit<Result<T>, 'status'>> {
    const iterator = this.socket().iterate<T>({ query, variables });
    const first = await iterator.next();
    await iterator.return?.();
    return first.value as Omit<Result<T>, 'status'>;
  }

  async close(): Promise<void> {
    await this.ws?.dispose();
    this.ws = null;
  }
}
