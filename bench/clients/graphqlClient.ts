/**
 * draftroom clients as an application writes them: graphql-ws over one
 * WebSocket per participant, the token in connection_init.
 */
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

export const DOCUMENT_UPDATES = `subscription($d: ID!, $sv: Base64) {
  documentUpdates(declarationId: $d, stateVector: $sv) { seq update origin sync }
}`;
export const APPLY_UPDATE = `mutation($d: ID!, $u: Base64!, $o: String) {
  applyUpdate(declarationId: $d, update: $u, origin: $o) { seq }
}`;
export const DOCUMENT_STATE = `query($d: ID!) { documentState(declarationId: $d) { seq update } }`;

export interface DocumentUpdateEvent {
  seq: number;
  update: string;
  origin: string | null;
  sync: boolean;
}

/** A graphql-ws client whose socket is open and acknowledged when the promise resolves. */
export async function connect(url: string, token: string, timeoutMs: number): Promise<Client> {
  let onConnected!: () => void;
  let onFailed!: (error: unknown) => void;
  const ready = new Promise<void>((resolve, reject) => {
    onConnected = resolve;
    onFailed = reject;
  });
  const client = createClient({
    url,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    lazy: false,
    retryAttempts: 0,
    connectionAckWaitTimeout: timeoutMs,
    onNonLazyError: (error) => onFailed(error),
    on: { connected: () => onConnected(), closed: (event) => onFailed(new Error(`socket closed: ${describeClose(event)}`)) },
  });
  try {
    await withDeadline(ready, timeoutMs, 'graphql-ws connection');
  } catch (error) {
    await client.dispose();
    throw error;
  }
  return client;
}

function describeClose(event: unknown): string {
  const e = event as { code?: number; reason?: string } | null;
  return e && typeof e === 'object' ? `${e.code ?? '?'} ${e.reason ?? ''}`.trim() : String(event);
}

/** One operation (query or mutation) over the socket; resolves with `data`, rejects on any error. */
export function request<T = any>(client: Client, query: string, variables: Record<string, unknown>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let result: { data?: unknown; errors?: readonly { message: string; extensions?: { code?: string } }[] } | undefined;
    client.subscribe<T>(
      { query, variables },
      {
        next: (value) => {
          result = value as typeof result;
        },
        error: (error) => reject(error instanceof Error ? error : new Error(JSON.stringify(error))),
        complete: () => {
          if (!result) reject(new Error('no result'));
          else if (result.errors?.length) {
            const first = result.errors[0]!;
            reject(new Error(`${first.extensions?.code ?? 'ERROR'}: ${first.message}`));
          } else resolve(result.data as T);
        },
      },
    );
  });
}

export async function withDeadline<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what}: no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export const toBase64 = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
export const fromBase64 = (text: string) => new Uint8Array(Buffer.from(text, 'base64'));
