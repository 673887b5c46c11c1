/**
 * Fan-out: one co-facilitator typing (one keystroke per update, every
 * `intervalMs`) while N observers follow the document. For each keystroke:
 * the time from its update being sent to the moment the LAST observer
 * received it.
 *
 * - draftroom: the typist sends `applyUpdate` over graphql-ws with origin
 *   "b:<first>:<last>" (keystroke indexes), one in flight as the API asks; a
 *   keystroke typed while the previous update is unacknowledged is merged
 *   into the next update (counted as `coalesced`). Observers subscribe to
 *   `documentUpdates` and recognise keystrokes by origin.
 * - Hocuspocus: the typist sends each keystroke at once (the provider does
 *   not wait); observers count broadcast updates, the k-th is keystroke k
 *   (one writer, in order on every socket).
 */
import type { Client } from 'graphql-ws';
import * as Y from 'yjs';
import { CpuMeter } from '../lib/cpu.js';
import type { FanoutArgs, FanoutResult } from '../lib/protocol.js';
import { pool, sleep } from '../lib/stats.js';
import {
  APPLY_UPDATE,
  connect,
  DOCUMENT_STATE,
  DOCUMENT_UPDATES,
  fromBase64,
  request,
  toBase64,
  withDeadline,
  type DocumentUpdateEvent,
} from './graphqlClient.js';
import { HocuspocusClient } from './hocuspocusClient.js';
import { phase } from './phase.js';

const TEXT = 'Member States commit to safe, orderly and regular migration, in line with the Global Compact. ';
const CONNECT_CONCURRENCY = 25;
const DRAIN_MS = 10_000;

interface Typist {
  type(k: number): void;
  idle(): boolean;
  coalesced: number;
  errors: number;
  lastError: string | null;
  ackLatenciesMs: number[];
}

export async function fanout(args: FanoutArgs): Promise<FanoutResult> {
  const total = Math.ceil((args.warmupMs + args.durationMs) / args.intervalMs);
  const warmup = Math.ceil(args.warmupMs / args.intervalMs);
  const sentAt = new Float64Array(total).fill(Number.NaN);
  const typedAt = new Float64Array(total).fill(Number.NaN);
  /** 1 where keystroke k is the first of the update that carried it (one sample per update). */
  const firstOfUpdate = new Uint8Array(total);
  const lastReceived = new Float64Array(total);
  const receivedBy = new Uint32Array(total);
  const observers = args.observerTokens.length;
  const received = (k: number, now: number) => {
    if (k >= 0 && k < total) {
      receivedBy[k]! += 1;
      lastReceived[k] = now;
    }
  };
  const cleanup: (() => unknown)[] = [];
  const errors = { count: 0, last: null as string | null };
  try {
    const connectStart = performance.now();
    let typist: Typist;
    if (args.system === 'draftroom') {
      const clients = await pool(args.observerTokens, CONNECT_CONCURRENCY, (token) => draftroomObserver(args, token, received, errors));
      cleanup.push(() => Promise.all(clients.map((c) => c.dispose())));
      typist = await draftroomTypist(args, { sentAt, typedAt, firstOfUpdate }, cleanup);
    } else {
      const clients = await pool(args.observerTokens, CONNECT_CONCURRENCY, async (token) => {
        const client = new HocuspocusClient(args.url, args.documentId, token, null);
        cleanup.push(() => client.close());
        await withDeadline(client.synced, args.connectTimeoutMs, 'Hocuspocus observer sync');
        let next = 0;
        client.onUpdate = () => received(next++, performance.now());
        return client;
      });
      if (clients.length !== observers) throw new Error('observers missing');
      typist = await hocuspocusTypist(args, { sentAt, typedAt, firstOfUpdate }, cleanup);
    }
    const connectMs = performance.now() - connectStart;
    await sleep(500); // let connection set-up settle before the first keystroke

    const start = performance.now();
    const meter = new CpuMeter();
    for (let k = 0; k < total; k++) {
      const wait = start + k * args.intervalMs - performance.now();
      if (wait > 0) await sleep(wait);
      if (k === warmup) {
        meter.start();
        phase('start');
      }
      typist.type(k);
    }
    phase('end');
    const clientCpu = meter.stop();
    const drainUntil = performance.now() + DRAIN_MS;
    const done = () => typist.idle() && receivedBy.every((count) => count >= observers);
    while (!done() && performance.now() < drainUntil) await sleep(20);

    const latenciesMs: number[] = [];
    const keystrokeLatenciesMs: number[] = [];
    let missing = 0;
    for (let k = warmup; k < total; k++) {
      if (receivedBy[k]! >= observers && Number.isFinite(sentAt[k]!)) {
        if (firstOfUpdate[k]) latenciesMs.push(lastReceived[k]! - sentAt[k]!);
        keystrokeLatenciesMs.push(lastReceived[k]! - typedAt[k]!);
      } else missing += 1;
    }
    return {
      observers,
      sent: total,
      latenciesMs,
      keystrokeLatenciesMs,
      missing,
      coalesced: typist.coalesced,
      errors: typist.errors + errors.count,
      lastError: typist.lastError ?? errors.last,
      connectMs,
      ackLatenciesMs: typist.ackLatenciesMs.slice(warmup),
      clientCpu,
    };
  } finally {
    for (const step of cleanup.reverse()) await Promise.resolve(step()).catch(() => undefined);
  }
}

async function draftroomObserver(
  args: FanoutArgs,
  token: string,
  received: (k: number, now: number) => void,
  errors: { count: number; last: string | null },
): Promise<Client> {
  const client = await connect(args.url, token, args.connectTimeoutMs);
  try {
    await withDeadline(
      new Promise<void>((resolve, reject) => {
        let synced = false;
        client.subscribe<{ documentUpdates: DocumentUpdateEvent }>(
          { query: DOCUMENT_UPDATES, variables: { d: args.documentId } },
          {
            next: (result) => {
              const event = result.data?.documentUpdates;
              if (!event) {
                const message = JSON.stringify(result.errors ?? result);
                if (!synced) reject(new Error(message));
                errors.count += 1;
                errors.last = message;
                return;
              }
              if (event.sync) {
                synced = true;
                resolve();
                return;
              }
              const now = performance.now();
              const origin = event.origin;
              if (!origin || !origin.startsWith('b:')) return;
              const colon = origin.indexOf(':', 2);
              const first = Number(origin.slice(2, colon));
              const last = Number(origin.slice(colon + 1));
              for (let k = first; k <= last; k++) received(k, now);
            },
            error: (error) => {
              const message = error instanceof Error ? error.message : JSON.stringify(error);
              if (!synced) reject(new Error(message));
              errors.count += 1;
              errors.last = message;
            },
            complete: () => {
              if (!synced) reject(new Error('documentUpdates completed before its sync event'));
            },
          },
        );
      }),
      args.connectTimeoutMs,
      'documentUpdates sync',
    );
  } catch (error) {
    await client.dispose();
    throw error;
  }
  return client;
}

interface Clocks {
  sentAt: Float64Array;
  typedAt: Float64Array;
  firstOfUpdate: Uint8Array;
}

async function draftroomTypist(args: FanoutArgs, { sentAt, typedAt, firstOfUpdate }: Clocks, cleanup: (() => unknown)[]): Promise<Typist> {
  const client = await connect(args.url, args.typistToken, args.connectTimeoutMs);
  cleanup.push(() => client.dispose());
  const doc = new Y.Doc();
  const state = await request<{ documentState: { update: string } }>(client, DOCUMENT_STATE, { d: args.documentId });
  Y.applyUpdate(doc, fromBase64(state.documentState.update));
  const text = doc.getText(args.paragraphId);
  let captured: Uint8Array | null = null;
  doc.on('update', (update: Uint8Array) => {
    captured = update;
  });
  const queue: { k: number; update: Uint8Array }[] = [];
  let inFlight = false;
  const typist: Typist = {
    coalesced: 0,
    errors: 0,
    lastError: null,
    ackLatenciesMs: [],
    idle: () => !inFlight && queue.length === 0,
    type(k) {
      typedAt[k] = performance.now();
      text.insert(text.length, TEXT[k % TEXT.length]!);
      queue.push({ k, update: captured! });
      captured = null;
      flush();
    },
  };
  const flush = () => {
    if (inFlight || queue.length === 0) return;
    const batch = queue.splice(0);
    typist.coalesced += batch.length - 1;
    const update = batch.length === 1 ? batch[0]!.update : Y.mergeUpdates(batch.map((b) => b.update));
    const first = batch[0]!.k;
    const last = batch.at(-1)!.k;
    const sent = performance.now();
    for (const b of batch) sentAt[b.k] = sent;
    firstOfUpdate[first] = 1;
    inFlight = true;
    request(client, APPLY_UPDATE, { d: args.documentId, u: toBase64(update), o: `b:${first}:${last}` })
      .then(
        () => {
          const latency = performance.now() - sent;
          for (let i = 0; i < batch.length; i++) typist.ackLatenciesMs.push(latency);
        },
        (error: Error) => {
          typist.errors += 1;
          typist.lastError = error.message;
        },
      )
      .finally(() => {
        inFlight = false;
        flush();
      });
  };
  return typist;
}

async function hocuspocusTypist(args: FanoutArgs, { sentAt, typedAt, firstOfUpdate }: Clocks, cleanup: (() => unknown)[]): Promise<Typist> {
  const doc = new Y.Doc();
  const client = new HocuspocusClient(args.url, args.documentId, args.typistToken, doc);
  cleanup.push(() => client.close());
  await withDeadline(client.synced, args.connectTimeoutMs, 'Hocuspocus typist sync');
  const text = doc.getText(args.paragraphId);
  let captured: Uint8Array | null = null;
  doc.on('update', (update: Uint8Array, origin: unknown) => {
    if (origin !== client) captured = update;
  });
  const unacked: number[] = [];
  const typist: Typist = {
    coalesced: 0,
    errors: 0,
    lastError: null,
    ackLatenciesMs: [],
    idle: () => unacked.length === 0,
    type(k) {
      const typed = performance.now();
      typedAt[k] = typed;
      text.insert(text.length, TEXT[k % TEXT.length]!);
      const update = captured!;
      captured = null;
      const sent = performance.now();
      sentAt[k] = sent;
      firstOfUpdate[k] = 1;
      unacked.push(sent);
      client.sendUpdate(update);
    },
  };
  client.onStatus = (applied) => {
    const sent = unacked.shift();
    if (sent !== undefined) typist.ackLatenciesMs.push(performance.now() - sent);
    if (!applied) {
      typist.errors += 1;
      typist.lastError = 'Hocuspocus did not apply an update';
    }
  };
  return typist;
}
