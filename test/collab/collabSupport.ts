/**
 * Small helpers for the collaboration tests in this folder: a Yjs replica
 * that talks to the server through the public API (documentState,
 * applyUpdate), and a collector for subscription events.
 */
import * as Y from 'yjs';
import type { GraphQLTestClient } from '../support/client.js';

export const toBase64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
export const fromBase64 = (text: string) => new Uint8Array(Buffer.from(text, 'base64'));

export const DOCUMENT_STATE = 'query($d: ID!, $sv: Base64) { documentState(declarationId: $d, stateVector: $sv) { seq update stateVector } }';
export const APPLY_UPDATE = 'mutation($d: ID!, $u: Base64!, $o: String) { applyUpdate(declarationId: $d, update: $u, origin: $o) { seq } }';
export const DOCUMENT_UPDATES = 'subscription($d: ID!, $sv: Base64) { documentUpdates(declarationId: $d, stateVector: $sv) { seq update origin sync } }';
export const CHANGES = 'subscription($d: ID!, $a: Int) { changes(declarationId: $d, after: $a) { seq kind paragraphId text } }';
export const PARAGRAPH_TEXTS = 'query($d: ID!) { declaration(id: $d) { paragraphs { id text } } }';

/** The origin the replica gives to updates that come from the server, so they are not sent back. */
const FROM_SERVER = Symbol('from-server');

export type SendResult = { ok: true; seq: number } | { ok: false; code: string; message: string };

/** One client's copy of a declaration's Y.Doc. */
export class Replica {
  readonly doc = new Y.Doc();
  private local: Uint8Array[] = [];

  constructor(readonly declarationId: string) {
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin !== FROM_SERVER) this.local.push(update);
    });
  }

  /** Brings in what `client`'s server has and this replica lacks; returns the server's seq. */
  async sync(client: GraphQLTestClient): Promise<number> {
    const data = await client.ok(DOCUMENT_STATE, { d: this.declarationId, sv: toBase64(Y.encodeStateVector(this.doc)) });
    this.receive(fromBase64(data.documentState.update));
    return data.documentState.seq;
  }

  /** Applies an update that came from the server. */
  receive(update: Uint8Array): void {
    Y.applyUpdate(this.doc, update, FROM_SERVER);
  }

  /** Makes a local edit; returns the update it produced (empty array when it changed nothing). */
  edit(change: (doc: Y.Doc) => void): Uint8Array {
    this.doc.transact(() => change(this.doc));
    const updates = this.local;
    this.local = [];
    if (updates.length === 0) return new Uint8Array(0);
    return updates.length === 1 ? updates[0]! : Y.mergeUpdates(updates);
  }

  text(paragraphId: string): string {
    return this.doc.getText(paragraphId).toString();
  }
}

/** Sends one update; an error response becomes `{ ok: false, code }`, a network failure throws. */
export async function sendUpdate(client: GraphQLTestClient, declarationId: string, update: Uint8Array, origin?: string): Promise<SendResult> {
  const result = await client.query(APPLY_UPDATE, { d: declarationId, u: toBase64(update), o: origin ?? null });
  if (result.data?.applyUpdate) return { ok: true, seq: result.data.applyUpdate.seq };
  const error = result.errors?.[0];
  return { ok: false, code: String(error?.extensions?.code ?? `HTTP ${result.status}`), message: error?.message ?? JSON.stringify(result) };
}

/** The server's whole document, as a fresh Y.Doc, with its seq. */
export async function serverDocument(client: GraphQLTestClient, declarationId: string): Promise<{ doc: Y.Doc; seq: number; encoded: Uint8Array }> {
  const data = await client.ok(DOCUMENT_STATE, { d: declarationId, sv: null });
  const encoded = fromBase64(data.documentState.update);
  const doc = new Y.Doc();
  Y.applyUpdate(doc, encoded);
  return { doc, seq: data.documentState.seq, encoded };
}

/** Events of one subscription, gathered as they arrive. */
export class Collector<T> {
  readonly items: T[] = [];
  readonly errors: unknown[] = [];
  completed = false;
  private waiters = new Set<() => void>();
  private unsubscribe: () => void = () => {};

  constructor(client: GraphQLTestClient, query: string, variables: Record<string, unknown>, field: string) {
    this.unsubscribe = client.socket().subscribe<Record<string, T>>(
      { query, variables },
      {
        next: (result) => {
          if (result.errors?.length) this.errors.push(result.errors);
          else if (result.data?.[field]) this.items.push(result.data[field] as T);
          this.wake();
        },
        error: (error) => {
          this.errors.push(error);
          this.wake();
        },
        complete: () => {
          this.completed = true;
          this.wake();
        },
      },
    );
  }

  /** Waits until `done(items)` holds; fails with `what` and what was received if it does not within `timeoutMs`. */
  async until(done: (items: T[]) => boolean, what: string, timeoutMs = 30_000): Promise<T[]> {
    const deadline = Date.now() + timeoutMs;
    while (!done(this.items)) {
      if (this.errors.length) throw new Error(`subscription failed while waiting for ${what}: ${JSON.stringify(this.errors)}`);
      if (this.completed) throw new Error(`subscription completed while waiting for ${what}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`gave up waiting for ${what}; received ${this.items.length} events`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 1_000));
        const waiter = () => {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          resolve();
        };
        this.waiters.add(waiter);
      });
    }
    return this.items;
  }

  close(): void {
    this.unsubscribe();
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}

/** Polls `probe` until it returns a value other than undefined; fails with `what` after `timeoutMs`. */
export async function eventually<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 30_000, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
