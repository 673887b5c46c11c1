/**
 * A client replica of a declaration's Y.Doc, kept the way an editor keeps
 * one (see the protocol comment in CollabResolver.ts):
 *
 *   - `connect()` subscribes `documentUpdates` with the replica's state
 *     vector; the sync event and every later update are applied with the
 *     `REMOTE` origin, except echoes of the replica's own updates, recognised
 *     by `origin`, which it already has;
 *   - every local change (any transaction whose origin is not `REMOTE`) is
 *     queued and sent with `applyUpdate`, one request in flight at a time;
 *     what piles up meanwhile goes next as one `Y.mergeUpdates`. A CONFLICT
 *     (the server lacks what the update builds on) resyncs with
 *     `documentState` and resends, a few times at most;
 *   - `flushed()` waits until every local change is acknowledged (committed),
 *     `caughtUp(seq)` until the subscription has delivered `seq`.
 *
 *     const replica = new Replica(coFacilitator, declarationId);
 *     await replica.connect();
 *     replica.doc.getText(paragraphId).insert(0, 'We ');
 *     const seq = await replica.flushed();
 *
 * Plus the raw calls (`applyUpdate`, `documentState`, `serverDoc`) and
 * base64 helpers, for tests that build updates by hand.
 */
import * as Y from 'yjs';
import type { GraphQLTestClient, Result } from './client.js';
import { waitFor } from './waitFor.js';

export const toBase64 = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
export const fromBase64 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'base64'));

/** Origin of updates applied from the server: never sent back. */
export const REMOTE = Symbol('remote');

const APPLY_UPDATE = 'mutation($d: ID!, $u: Base64!, $o: String) { applyUpdate(declarationId: $d, update: $u, origin: $o) { seq } }';
const DOCUMENT_STATE = 'query($d: ID!, $sv: Base64) { documentState(declarationId: $d, stateVector: $sv) { seq update stateVector } }';
const DOCUMENT_UPDATES =
  'subscription($d: ID!, $sv: Base64) { documentUpdates(declarationId: $d, stateVector: $sv) { declarationId seq update origin sync } }';

/** `applyUpdate` as sent: the raw result (errors included). */
export function applyUpdate(client: GraphQLTestClient, declarationId: string, update: Uint8Array | string, origin?: string | null): Promise<Result<{ applyUpdate: { seq: number } }>> {
  return client.query(APPLY_UPDATE, { d: declarationId, u: typeof update === 'string' ? update : toBase64(update), o: origin ?? null });
}

export interface DocumentState {
  seq: number;
  update: Uint8Array;
  stateVector: Uint8Array;
}

/** `documentState`, decoded. */
export async function documentState(client: GraphQLTestClient, declarationId: string, stateVector?: Uint8Array): Promise<DocumentState> {
  const data = await client.ok(DOCUMENT_STATE, { d: declarationId, sv: stateVector ? toBase64(stateVector) : null });
  const state = data.documentState;
  return { seq: state.seq, update: fromBase64(state.update), stateVector: fromBase64(state.stateVector) };
}

/** A fresh Y.Doc holding the server's whole state, and the seq it is at. */
export async function serverDoc(client: GraphQLTestClient, declarationId: string): Promise<{ doc: Y.Doc; seq: number; stateVector: Uint8Array }> {
  const state = await documentState(client, declarationId);
  const doc = new Y.Doc();
  Y.applyUpdate(doc, state.update, REMOTE);
  return { doc, seq: state.seq, stateVector: state.stateVector };
}

/**
 * What "the same document" means when comparing replicas: every named
 * paragraph's text, and the state vector and delete set, canonically encoded
 * (two docs holding the same items may still encode a full update
 * differently, as they split items at different places).
 */
export function fingerprint(doc: Y.Doc, paragraphIds: string[]) {
  return {
    texts: Object.fromEntries(paragraphIds.map((id) => [id, doc.getText(id).toString()])),
    stateVector: toBase64(Y.encodeStateVector(doc)),
    snapshot: toBase64(Y.encodeSnapshot(Y.snapshot(doc))),
  };
}

/** One `documentUpdates` event as the replica received it. */
export interface ReceivedUpdate {
  seq: number;
  sync: boolean;
  origin: string | null;
  update: Uint8Array;
}

let replicas = 0;

export class Replica {
  readonly doc = new Y.Doc();
  /** Sent with every update, so the replica knows its echoes. */
  readonly origin: string;
  /** Every event of the current and earlier subscriptions, in arrival order. */
  readonly received: ReceivedUpdate[] = [];
  /** Last seq delivered by the subscription (sync or live). */
  seq = 0;
  /** Highest seq acknowledged to this replica's own updates. */
  acked = 0;
  private queue: Uint8Array[] = [];
  private inFlight: Promise<void> | null = null;
  /** A send that was refused: sending stops, `flushed()` rejects. */
  private sendFailure: Error | null = null;
  /** The subscription failed (or the socket closed): `caughtUp()` rejects until `connect()` again. */
  private streamFailure: Error | null = null;
  private unsubscribe: (() => void) | null = null;

  constructor(
    public client: GraphQLTestClient,
    readonly declarationId: string,
    origin?: string,
  ) {
    this.origin = origin ?? `replica-${++replicas}-${this.doc.clientID}`;
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === REMOTE) return;
      this.queue.push(update);
      this.pump();
    });
  }

  /**
   * Subscribes with the replica's state vector (through `client`, e.g. one of
   * a restarted server; default the current one); resolves with the sync
   * event once it is applied.
   */
  async connect(client: GraphQLTestClient = this.client): Promise<ReceivedUpdate> {
    this.disconnect();
    this.client = client;
    this.streamFailure = null;
    const before = this.received.length;
    const variables = { d: this.declarationId, sv: toBase64(Y.encodeStateVector(this.doc)) };
    // Events of an earlier subscription (a late `complete` after `disconnect`) are ignored.
    const live = () => this.unsubscribe === unsubscribe;
    const fail = (why: string) => live() && (this.streamFailure ??= new Error(`documentUpdates ${why}`));
    const unsubscribe: () => void = this.client.socket().subscribe<any>(
      { query: DOCUMENT_UPDATES, variables },
      {
        next: (result) => {
          if (!live()) return;
          if (result.errors?.length) fail(`failed: ${JSON.stringify(result.errors)}`);
          else this.receive(result.data!.documentUpdates);
        },
        error: (error) => fail(`failed: ${JSON.stringify(error)}`),
        complete: () => fail('ended'),
      },
    );
    this.unsubscribe = unsubscribe;
    return waitFor('the sync event', () => {
      if (this.streamFailure) throw this.streamFailure;
      return this.received.length > before ? this.received[before] : null;
    });
  }

  /** Ends the subscription (the replica and its queue stay). */
  disconnect(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  text(paragraphId: string): string {
    return this.doc.getText(paragraphId).toString();
  }

  /** Resolves with the last acknowledged seq once nothing is queued or in flight; rejects if a send was refused. */
  async flushed(): Promise<number> {
    while (this.inFlight) await this.inFlight;
    if (this.sendFailure) throw this.sendFailure;
    return this.acked;
  }

  /** Resolves once the subscription has delivered `seq` (default: the last acknowledged one). */
  async caughtUp(seq = this.acked): Promise<void> {
    await waitFor(`replica ${this.origin} to reach seq ${seq} (at ${this.seq})`, () => {
      if (this.streamFailure) throw this.streamFailure;
      return this.seq >= seq;
    });
  }

  close(): void {
    this.disconnect();
    this.doc.destroy();
  }

  private receive(event: { seq: number; update: string; origin: string | null; sync: boolean }): void {
    const update = fromBase64(event.update);
    this.received.push({ seq: event.seq, sync: event.sync, origin: event.origin, update });
    if (event.sync || event.origin !== this.origin) Y.applyUpdate(this.doc, update, REMOTE);
    this.seq = Math.max(this.seq, event.seq);
  }

  private pump(): void {
    if (this.inFlight || this.queue.length === 0 || this.sendFailure) return;
    const update = this.queue.length === 1 ? this.queue[0]! : Y.mergeUpdates(this.queue);
    this.queue = [];
    this.inFlight = this.send(update)
      .catch((error: Error) => void (this.sendFailure ??= error))
      .finally(() => {
        this.inFlight = null;
        this.pump();
      });
  }

  private async send(update: Uint8Array): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const result = await applyUpdate(this.client, this.declarationId, update, this.origin);
      if (result.data?.applyUpdate) {
        this.acked = Math.max(this.acked, result.data.applyUpdate.seq);
        return;
      }
      const code = result.errors?.[0]?.extensions?.code;
      if (code !== 'CONFLICT' || attempt >= 3) throw new Error(`applyUpdate refused (${code}): ${JSON.stringify(result.errors)}`);
      const state = await documentState(this.client, this.declarationId, Y.encodeStateVector(this.doc));
      Y.applyUpdate(this.doc, state.update, REMOTE);
    }
  }
}
