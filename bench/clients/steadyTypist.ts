/**
 * A co-facilitator typing at a steady rate (one keystroke every
 * `intervalMs`) into one paragraph through `applyUpdate`, one update in
 * flight as the API asks: keystrokes typed while an update is unacknowledged
 * go into the next one. Update i carries origin "s:<i>" and its send time on
 * the machine's monotonic clock, so that subscribers in other processes can
 * be timed against it (bench/clients/subscribers.ts). The measured window
 * (after `warmupMs`) is announced to the bench process, which meters CPU
 * over it.
 */
import * as Y from 'yjs';
import { machineNowMs } from '../lib/histogram.js';
import type { SteadyTypingArgs, SteadyTypingResult } from '../lib/protocol.js';
import { sleep } from '../lib/stats.js';
import { APPLY_UPDATE, connect, DOCUMENT_STATE, fromBase64, request, toBase64 } from './graphqlClient.js';
import { phase } from './phase.js';

const TEXT = 'Member States commit to safe, orderly and regular migration, in line with the Global Compact. ';
const DRAIN_MS = 30_000;

export async function typeSteadily(args: SteadyTypingArgs): Promise<SteadyTypingResult> {
  const client = await connect(args.url, args.token, args.connectTimeoutMs);
  try {
    const doc = new Y.Doc();
    const state = await request<{ documentState: { update: string } }>(client, DOCUMENT_STATE, { d: args.declarationId });
    Y.applyUpdate(doc, fromBase64(state.documentState.update));
    const text = doc.getText(args.paragraphId);
    const pending: Uint8Array[] = [];
    doc.on('update', (update: Uint8Array) => pending.push(update));

    const sentAt: (number | null)[] = [];
    const ackLatenciesMs: number[] = [];
    let firstMeasured = -1;
    let measuring = false;
    let inFlight = false;
    let coalesced = 0;
    let errors = 0;
    let lastError: string | null = null;
    const flush = () => {
      if (inFlight || pending.length === 0) return;
      const batch = pending.splice(0);
      coalesced += batch.length - 1;
      const update = batch.length === 1 ? batch[0]! : Y.mergeUpdates(batch);
      const index = sentAt.length;
      const sent = machineNowMs();
      sentAt.push(sent);
      if (measuring && firstMeasured < 0) firstMeasured = index;
      inFlight = true;
      request(client, APPLY_UPDATE, { d: args.declarationId, u: toBase64(update), o: `s:${index}` })
        .then(
          () => {
            if (index >= firstMeasured && firstMeasured >= 0) ackLatenciesMs.push(machineNowMs() - sent);
          },
          (error: Error) => {
            errors += 1;
            lastError = error.message;
            sentAt[index] = null; // refused: no subscriber will see it
          },
        )
        .finally(() => {
          inFlight = false;
          flush();
        });
    };

    const keystrokes = Math.ceil((args.warmupMs + args.durationMs) / args.intervalMs);
    const warmupKeystrokes = Math.ceil(args.warmupMs / args.intervalMs);
    const start = performance.now();
    for (let k = 0; k < keystrokes; k++) {
      const wait = start + k * args.intervalMs - performance.now();
      if (wait > 0) await sleep(wait);
      if (k === warmupKeystrokes) {
        measuring = true;
        phase('start');
      }
      text.insert(text.length, TEXT[k % TEXT.length]!);
      flush();
    }
    phase('end');
    const drainUntil = performance.now() + DRAIN_MS;
    while ((inFlight || pending.length > 0) && performance.now() < drainUntil) await sleep(10);
    return {
      keystrokes,
      sentAt,
      firstMeasured: firstMeasured < 0 ? sentAt.length : firstMeasured,
      coalesced,
      ackLatenciesMs,
      errors,
      lastError,
    };
  } finally {
    await client.dispose();
  }
}
