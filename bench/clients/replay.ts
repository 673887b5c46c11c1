/**
 * Replay: the automerge-paper trace through the API, `batch` keystrokes per
 * update, one applyUpdate in flight, against the same trace applied to a
 * bare Y.Doc in this process (the limit: the server must at least do that).
 *
 * The updates are built before the clock starts (their cost, about the bare
 * time again, is reported as generateMs): apiMs is what the server adds,
 * transport included.
 */
import * as Y from 'yjs';
import type { ReplayArgs, ReplayResult } from '../lib/protocol.js';
import { loadTrace, replayIntoDoc, textAfter } from '../lib/trace.js';
import { APPLY_UPDATE, connect, DOCUMENT_STATE, fromBase64, request, toBase64, withDeadline } from './graphqlClient.js';

export async function replay(args: ReplayArgs): Promise<ReplayResult> {
  const deadline = performance.now() + args.timeoutMs;
  const trace = loadTrace(args.tracePath);
  const txns = Math.min(args.txns, trace.txns.length);

  let bareMs = Number.POSITIVE_INFINITY;
  for (let run = 0; run < 2; run++) {
    const t = performance.now();
    const { doc } = replayIntoDoc(trace, 'bare', { count: txns, batch: args.batch, collect: false });
    bareMs = Math.min(bareMs, performance.now() - t);
    doc.destroy();
  }

  const client = await connect(args.url, args.token, 30_000);
  try {
    const state = await request<{ documentState: { update: string } }>(client, DOCUMENT_STATE, { d: args.declarationId });
    const generateStart = performance.now();
    const { doc, updates } = replayIntoDoc(trace, args.paragraphId, {
      count: txns,
      batch: args.batch,
      collect: true,
      initial: fromBase64(state.documentState.update),
    });
    const generateMs = performance.now() - generateStart;
    const expected = doc.getText(args.paragraphId).toString();

    const apiStart = performance.now();
    for (let i = 0; i < updates.length; i++) {
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`replay: out of time after ${i} of ${updates.length} updates`);
      await withDeadline(
        request(client, APPLY_UPDATE, { d: args.declarationId, u: toBase64(updates[i]!), o: `replay:${i}` }),
        Math.min(left, 60_000),
        `applyUpdate ${i}`,
      );
    }
    const apiMs = performance.now() - apiStart;

    const final = await request<{ documentState: { update: string } }>(client, DOCUMENT_STATE, { d: args.declarationId });
    const check = new Y.Doc();
    Y.applyUpdate(check, fromBase64(final.documentState.update));
    const text = check.getText(args.paragraphId).toString();
    const verified = text === expected && expected === textAfter(trace, txns);
    return {
      txns,
      updates: updates.length,
      updateBytes: updates.reduce((sum, u) => sum + u.length, 0),
      bareMs,
      generateMs,
      apiMs,
      finalLength: text.length,
      verified,
    };
  } finally {
    await client.dispose();
  }
}
