/**
 * Throughput: W writers, each with its own Y.Doc typing one keystroke per
 * update into its own paragraph, one update in flight per writer (send,
 * wait for the acknowledgement, type the next). Counts acknowledgements that
 * arrive within the measured window, after a warm-up.
 *
 * - draftroom: `applyUpdate` over graphql-ws; acknowledged = committed to
 *   PostgreSQL. The writers do not subscribe to `documentUpdates` (the API
 *   does not require it).
 * - Hocuspocus: a Sync/Update message; acknowledged = the SyncStatus the
 *   server sends once it has applied the update (nothing persisted). Every
 *   writer's socket also receives every writer's broadcast: the protocol
 *   has no way to send without following.
 */
import * as Y from 'yjs';
import { CpuMeter } from '../lib/cpu.js';
import type { ThroughputArgs, ThroughputResult } from '../lib/protocol.js';
import { pool, sleep } from '../lib/stats.js';
import { APPLY_UPDATE, connect, DOCUMENT_STATE, fromBase64, request, toBase64, withDeadline } from './graphqlClient.js';
import { HocuspocusClient } from './hocuspocusClient.js';
import { phase } from './phase.js';

const TEXT = 'The Forum recognises the contribution of migrants to sustainable development. ';
const ACK_TIMEOUT_MS = 30_000;
/** A writer never sends more than this, whatever the window (a bound on the loop). */
const MAX_UPDATES_PER_WRITER = 1_000_000;

interface Writer {
  /** Types one keystroke, sends it, resolves when acknowledged. */
  step(): Promise<void>;
  close(): unknown;
}

export async function throughput(args: ThroughputArgs): Promise<ThroughputResult> {
  const writers: Writer[] = [];
  try {
    await pool(args.writers, 8, async (spec, i) => {
      writers[i] = args.system === 'draftroom' ? await draftroomWriter(args, spec) : await hocuspocusWriter(args, spec);
    });
    await sleep(300);
    const start = performance.now();
    const windowStart = start + args.warmupMs;
    const windowEnd = windowStart + args.durationMs;
    let acked = 0;
    let total = 0;
    let errors = 0;
    let lastError: string | null = null;
    const ackLatenciesMs: number[] = [];
    const meter = new CpuMeter();
    const windowTimers = [
      setTimeout(() => {
        meter.start();
        phase('start');
      }, args.warmupMs),
      setTimeout(() => phase('end'), args.warmupMs + args.durationMs),
    ];
    await Promise.all(
      writers.map(async (writer) => {
        for (let n = 0; n < MAX_UPDATES_PER_WRITER && performance.now() < windowEnd; n++) {
          const sent = performance.now();
          try {
            await withDeadline(writer.step(), ACK_TIMEOUT_MS, 'acknowledgement');
          } catch (error) {
            errors += 1;
            lastError = (error as Error).message;
            return; // its document now holds an update the server refused: this writer is done
          }
          const now = performance.now();
          total += 1;
          if (now >= windowStart && now <= windowEnd) {
            acked += 1;
            ackLatenciesMs.push(now - sent);
          }
        }
      }),
    );
    windowTimers.forEach(clearTimeout);
    const clientCpu = meter.stop();
    return {
      writers: writers.length,
      total,
      acked,
      windowMs: args.durationMs,
      perSecond: acked / (args.durationMs / 1000),
      ackLatenciesMs,
      errors,
      lastError,
      clientCpu,
    };
  } finally {
    for (const writer of writers) await Promise.resolve(writer?.close()).catch(() => undefined);
  }
}

async function draftroomWriter(args: ThroughputArgs, spec: { token: string; paragraphId: string }): Promise<Writer> {
  const client = await connect(args.url, spec.token, args.connectTimeoutMs);
  const doc = new Y.Doc();
  const state = await request<{ documentState: { update: string } }>(client, DOCUMENT_STATE, { d: args.documentId });
  Y.applyUpdate(doc, fromBase64(state.documentState.update));
  const text = doc.getText(spec.paragraphId);
  let captured: Uint8Array | null = null;
  doc.on('update', (update: Uint8Array) => {
    captured = update;
  });
  let n = 0;
  return {
    async step() {
      text.insert(text.length, TEXT[n++ % TEXT.length]!);
      const update = captured!;
      captured = null;
      await request(client, APPLY_UPDATE, { d: args.documentId, u: toBase64(update), o: null });
    },
    close: () => client.dispose(),
  };
}

async function hocuspocusWriter(args: ThroughputArgs, spec: { token: string; paragraphId: string }): Promise<Writer> {
  const doc = new Y.Doc();
  const client = new HocuspocusClient(args.url, args.documentId, spec.token, doc);
  try {
    await withDeadline(client.synced, args.connectTimeoutMs, 'Hocuspocus writer sync');
  } catch (error) {
    client.close();
    throw error;
  }
  const text = doc.getText(spec.paragraphId);
  let captured: Uint8Array | null = null;
  doc.on('update', (update: Uint8Array, origin: unknown) => {
    if (origin !== client) captured = update;
  });
  let waiting: { resolve(): void; reject(error: Error): void } | null = null;
  client.onStatus = (applied) => {
    const w = waiting;
    waiting = null;
    if (applied) w?.resolve();
    else w?.reject(new Error('Hocuspocus did not apply the update'));
  };
  let n = 0;
  return {
    step() {
      text.insert(text.length, TEXT[n++ % TEXT.length]!);
      const update = captured!;
      captured = null;
      return new Promise<void>((resolve, reject) => {
        waiting = { resolve, reject };
        client.sendUpdate(update);
      });
    },
    close: () => client.close(),
  };
}
