/**
 * Replay: the automerge-paper trace through the API, 300 keystrokes per
 * update, against the same trace applied to a bare Y.Doc in process.
 */
import type { Row, Scenario } from '../lib/context.js';
import { stage, startDraftroom } from '../lib/draftroom.js';
import { num, ratio, seconds } from '../lib/stats.js';

const BATCH = 300;
/** The final text is 104,852 characters; the default paragraph limit is 100,000. */
export const TRACE_PARAGRAPH_LIMIT = 200_000;

export const replayScenario: Scenario = async (ctx) => {
  const txns = ctx.quick ? 60_000 : Number.MAX_SAFE_INTEGER;
  ctx.log(`replay: automerge-paper, ${BATCH} keystrokes per update${ctx.quick ? ` (first ${num(txns, 0)} keystrokes)` : ''}`);
  const databaseUrl = await ctx.db.create('replay');
  const server = await startDraftroom(databaseUrl, { limits: { paragraphChars: TRACE_PARAGRAPH_LIMIT } });
  try {
    const s = await stage(server, { coFacilitators: 1, observers: 0, paragraphs: 1 });
    await ctx.waitQuiet('replay');
    const r = await ctx.clients.call(
      'replay',
      {
        url: server.wsUrl,
        declarationId: s.declarationId,
        paragraphId: s.paragraphIds[0]!,
        token: s.coFacilitators[0]!.token,
        tracePath: ctx.tracePath,
        txns,
        batch: BATCH,
        timeoutMs: 600_000,
      },
      660_000,
    );
    ctx.record('replay', r);
    ctx.note(
      `Replay: ${num(r.txns, 0)} keystrokes of automerge-paper in ${num(r.updates, 0)} updates of ${BATCH} keystrokes ` +
        `(${num(r.updateBytes / 1024, 0)} KiB in all), sent one at a time over graphql-ws, each acknowledged (committed) before the next; ` +
        `the updates are built before the clock starts (building them took ${seconds(r.generateMs)}). Bare = the same trace applied ` +
        `to a Y.Doc in the client process, ${BATCH} keystrokes per transaction, best of two. Final text ${num(r.finalLength, 0)} characters, ` +
        `${r.verified ? 'identical to the trace’s' : '**DIFFERENT from the trace’s**'}. Server started with DRAFTROOM_MAX_PARAGRAPH_CHARS=${TRACE_PARAGRAPH_LIMIT}.`,
    );
    return [
      {
        benchmark: `replay automerge-paper (${num(r.txns, 0)} keystrokes, ${BATCH} per update): via API vs bare Y.Doc`,
        draftroom: `${seconds(r.apiMs)} (bare: ${seconds(r.bareMs)})`,
        hocuspocus: '—',
        comparison: `API / bare = ${ratio(r.apiMs, r.bareMs)}`,
        goal: '—',
        notes: `${num(r.updates / (r.apiMs / 1000), 0)} updates/s, ${num(r.txns / (r.apiMs / 1000), 0)} keystrokes/s; ${r.verified ? 'text verified' : '**text mismatch**'}`,
      },
    ];
  } finally {
    await server.stop();
    await ctx.db.drop(databaseUrl);
  }
};
