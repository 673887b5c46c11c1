/**
 * Many subscribers in one client process (the crowd benchmark spreads 2,000
 * over a few such processes, so that no one client event loop is the
 * bottleneck). Each subscriber is an observer with its own graphql-ws socket
 * and token, subscribed to `changes` (from a given seq, not the whole log)
 * and to `documentUpdates` of one declaration; it counts as connected once
 * the `documentUpdates` sync event has arrived.
 *
 * Every delivery is stamped on the machine's monotonic clock (machineNowMs),
 * so that the bench process can subtract the time the typist (another
 * process) sent the update. Updates are recognised by their origin,
 * "s:<index>" (bench/clients/steadyTypist.ts). What the process keeps per
 * delivery is two numbers; `collectSubscribers` turns them into a histogram
 * and, per update, the time the last subscriber of this process got it.
 */
import type { Client } from 'graphql-ws';
import { LatencyHistogram, machineNowMs } from '../lib/histogram.js';
import type {
  AwaitChangeArgs,
  AwaitChangeResult,
  CollectSubscribersArgs,
  CollectSubscribersResult,
  SubscribersArgs,
  SubscribersOpened,
} from '../lib/protocol.js';
import { pool, sleep } from '../lib/stats.js';
import { connect, DOCUMENT_UPDATES, withDeadline, type DocumentUpdateEvent } from './graphqlClient.js';

export const CHANGES = `subscription($d: ID!, $a: Int) { changes(declarationId: $d, after: $a) { seq kind paragraphId } }`;

interface Crowd {
  clients: Client[];
  /** Per update index: deliveries so far, and the latest delivery time. */
  received: number[];
  lastAt: number[];
  /** Every delivery: update index and time, side by side. */
  deliveryIndex: number[];
  deliveryAt: number[];
  /** Change events by kind: delivery times. */
  changes: Map<string, number[]>;
  changeEvents: number;
  errors: number;
  lastError: string | null;
}

let crowd: Crowd = fresh();

function fresh(): Crowd {
  return { clients: [], received: [], lastAt: [], deliveryIndex: [], deliveryAt: [], changes: new Map(), changeEvents: 0, errors: 0, lastError: null };
}

function failed(message: string): void {
  crowd.errors += 1;
  crowd.lastError = message;
}

export async function openSubscribers(args: SubscribersArgs): Promise<SubscribersOpened> {
  const connectMs = new LatencyHistogram();
  const startedAt = machineNowMs();
  let syncedAt = startedAt;
  let failures = 0;
  let firstError: string | null = null;
  const mine = crowd;
  await pool(args.tokens, args.connectConcurrency, async (token) => {
    const start = machineNowMs();
    try {
      const client = await connect(args.url, token, args.connectTimeoutMs);
      mine.clients.push(client);
      subscribeChanges(mine, client, args);
      await withDeadline(subscribeDocument(mine, client, args), args.connectTimeoutMs, 'documentUpdates sync');
      const now = machineNowMs();
      connectMs.record(now - start);
      syncedAt = Math.max(syncedAt, now);
    } catch (error) {
      failures += 1;
      firstError ??= error instanceof Error ? error.message : String(error);
    }
  });
  return { opened: args.tokens.length - failures, failed: failures, firstError, startedAt, syncedAt, connectMs: connectMs.toData() };
}

function subscribeChanges(mine: Crowd, client: Client, args: SubscribersArgs): void {
  client.subscribe<{ changes: { seq: number; kind: string } }>(
    { query: CHANGES, variables: { d: args.declarationId, a: args.changesAfter } },
    {
      next: (result) => {
        const now = machineNowMs();
        const event = result.data?.changes;
        if (!event) return failed(JSON.stringify(result.errors ?? result).slice(0, 300));
        mine.changeEvents += 1;
        let times = mine.changes.get(event.kind);
        if (!times) mine.changes.set(event.kind, (times = []));
        times.push(now);
      },
      error: (error) => failed(`changes: ${error instanceof Error ? error.message : JSON.stringify(error)}`.slice(0, 300)),
      complete: () => undefined,
    },
  );
}

function subscribeDocument(mine: Crowd, client: Client, args: SubscribersArgs): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let synced = false;
    client.subscribe<{ documentUpdates: DocumentUpdateEvent }>(
      { query: DOCUMENT_UPDATES, variables: { d: args.declarationId } },
      {
        next: (result) => {
          const now = machineNowMs();
          const event = result.data?.documentUpdates;
          if (!event) {
            const message = JSON.stringify(result.errors ?? result).slice(0, 300);
            if (!synced) reject(new Error(message));
            return failed(message);
          }
          if (event.sync) {
            synced = true;
            return resolve();
          }
          if (!event.origin?.startsWith('s:')) return;
          const index = Number(event.origin.slice(2));
          mine.received[index] = (mine.received[index] ?? 0) + 1;
          mine.lastAt[index] = Math.max(mine.lastAt[index] ?? 0, now);
          mine.deliveryIndex.push(index);
          mine.deliveryAt.push(now);
        },
        error: (error) => {
          const message = `documentUpdates: ${error instanceof Error ? error.message : JSON.stringify(error)}`.slice(0, 300);
          if (!synced) reject(new Error(message));
          failed(message);
        },
        complete: () => {
          if (!synced) reject(new Error('documentUpdates completed before its sync event'));
        },
      },
    );
  });
}

/** Waits (bounded) until every subscriber here got a change event of `kind`; its delivery latencies from `sentAt`. */
export async function awaitChange(args: AwaitChangeArgs): Promise<AwaitChangeResult> {
  const deadline = performance.now() + args.timeoutMs;
  const times = () => crowd.changes.get(args.kind) ?? [];
  while (times().length < crowd.clients.length && performance.now() < deadline) await sleep(20);
  const latency = new LatencyHistogram();
  for (const at of times()) latency.record(at - args.sentAt);
  return { received: times().length, subscribers: crowd.clients.length, latency: latency.toData() };
}

/**
 * Waits (at most `drainMs`) for every subscriber here to have every update
 * sent, then summarises: deliveries of the measured updates (index ≥
 * `firstMeasured`) as a latency histogram, and per measured update the
 * count and latest delivery time.
 */
export async function collectSubscribers(args: CollectSubscribersArgs): Promise<CollectSubscribersResult> {
  const sent = args.sentAt.length;
  const subscribers = crowd.clients.length;
  const complete = () => {
    for (let i = 0; i < sent; i++) if (args.sentAt[i] !== null && (crowd.received[i] ?? 0) < subscribers) return false;
    return true;
  };
  const deadline = performance.now() + args.drainMs;
  while (!complete() && performance.now() < deadline) await sleep(50);

  const delivery = new LatencyHistogram();
  for (let d = 0; d < crowd.deliveryIndex.length; d++) {
    const index = crowd.deliveryIndex[d]!;
    const sentAt = args.sentAt[index];
    if (index >= args.firstMeasured && typeof sentAt === 'number') delivery.record(crowd.deliveryAt[d]! - sentAt);
  }
  const perUpdate: { index: number; count: number; lastAt: number | null }[] = [];
  let missingDeliveries = 0;
  for (let i = args.firstMeasured; i < sent; i++) {
    if (args.sentAt[i] === null) continue;
    const count = crowd.received[i] ?? 0;
    missingDeliveries += subscribers - Math.min(subscribers, count);
    perUpdate.push({ index: i, count, lastAt: crowd.lastAt[i] ?? null });
  }
  return {
    subscribers,
    perUpdate,
    delivery: delivery.toData(),
    missingDeliveries,
    changeEvents: crowd.changeEvents,
    errors: crowd.errors,
    lastError: crowd.lastError,
  };
}

export async function closeSubscribers(): Promise<{ closed: number }> {
  const closing = crowd;
  crowd = fresh();
  await Promise.all(closing.clients.map((client) => Promise.resolve(client.dispose()).catch(() => undefined)));
  return { closed: closing.clients.length };
}
