/**
 * Cold load: a declaration whose history is the whole automerge-paper trace,
 * one keystroke per update (as typed live: 259,778 rows in the update log),
 * loaded by a NEW server instance on the same database; timed from the
 * client's documentUpdates subscribe to its sync event. Without compaction
 * the server reads and applies every row; with compaction it reads the
 * snapshot plus the tail the compactor keeps.
 *
 * Building that history through GraphQL would take minutes, so the bench
 * feeds the keystroke updates to the server's own group committer
 * (`services.committer.submit`, the path `applyUpdate` takes after its
 * checks): the rows, the paragraph's text and the seqs are exactly what the
 * API would have written.
 */
import { createHash } from 'node:crypto';
import { viewerForToken } from '../../server/src/graphql/context.js';
import type { ColdSyncResult } from '../lib/protocol.js';
import type { Row, Scenario, ScenarioContext } from '../lib/context.js';
import { gql, stage, startDraftroom, type Stage } from '../lib/draftroom.js';
import { bytes, median, ms, num, ratio, seconds, withTimeout } from '../lib/stats.js';
import { loadTrace, replayIntoDoc } from '../lib/trace.js';
import { TRACE_PARAGRAPH_LIMIT } from './replay.js';

const LIMITS = { paragraphChars: TRACE_PARAGRAPH_LIMIT };

export const coldLoadScenario: Scenario = async (ctx) => {
  const count = ctx.quick ? 30_000 : Number.MAX_SAFE_INTEGER;
  const repetitions = ctx.quick ? 1 : 3;
  const databaseUrl = await ctx.db.create('coldload');
  try {
    const built = await buildHistory(ctx, databaseUrl, count);
    const measure = async (label: string): Promise<{ results: ColdSyncResult[]; startMs: number[] }> => {
      const results: ColdSyncResult[] = [];
      const startMs: number[] = [];
      for (let i = 0; i < repetitions; i++) {
        await ctx.waitQuiet(`cold load, ${label}, run ${i + 1}`);
        ctx.log(`cold load: ${label}, run ${i + 1} of ${repetitions}`);
        const t = performance.now();
        const server = await startDraftroom(databaseUrl, { limits: LIMITS, autoCompaction: false });
        startMs.push(performance.now() - t);
        try {
          results.push(
            await ctx.clients.call(
              'coldSync',
              { url: server.wsUrl, declarationId: built.stage.declarationId, token: built.stage.observers[0]!.token, expectedText: built.expected, timeoutMs: 300_000 },
              330_000,
            ),
          );
        } finally {
          await server.stop();
        }
      }
      return { results, startMs };
    };

    const plain = await measure('no compaction');

    ctx.log('cold load: compacting');
    const compactor = await startDraftroom(databaseUrl, { limits: LIMITS, autoCompaction: false });
    let compaction;
    try {
      compaction = await compactor.app.services.compactor.compact(built.stage.declarationId);
    } finally {
      await compactor.stop();
    }
    if (!compaction) throw new Error('the compactor did not compact the declaration');
    const compacted = await measure('compacted');

    const plainMs = median(plain.results.map((r) => r.syncMs));
    const compactedMs = median(compacted.results.map((r) => r.syncMs));
    const verified = [...plain.results, ...compacted.results].every((r) => r.verified);
    ctx.record('coldLoad', { built: { ...built, stage: undefined }, plain, compacted, compaction });
    ctx.note(
      `Cold load: history = ${num(built.updates, 0)} keystroke updates (${bytes(built.logBytes)} of updates), written through the server's ` +
        `group committer in ${seconds(built.buildMs)}; each run starts a new server instance on that database ` +
        `(start-up, migrations check included, median ${ms(median(plain.startMs))}, not in the figure), opens a socket, then times ` +
        `documentUpdates from subscribe to the sync event (${bytes(plain.results[0]!.syncBytes)} of state). Median of ${repetitions}. ` +
        `Compacted: the server's compactor with its defaults (snapshot at seq ${num(compaction.snapshotSeq, 0)}, ${bytes(compaction.snapshotBytes)}, ` +
        `keeping the newest ${num(built.updates - compaction.snapshotSeq, 0)} updates as the tail). Texts ${verified ? 'verified' : '**NOT verified**'}.`,
    );
    const label = `${num(built.updates, 0)} keystroke updates`;
    return [
      row(`cold load, no compaction (${label} in the log)`, plain.results, plainMs, ''),
      row(
        `cold load, compacted (snapshot + ${num(built.updates - compaction.snapshotSeq, 0)} updates)`,
        compacted.results,
        compactedMs,
        `${ratio(plainMs, compactedMs)} faster than without compaction`,
      ),
    ];
  } finally {
    await ctx.db.drop(databaseUrl);
  }
};

function row(benchmark: string, results: ColdSyncResult[], medianMs: number, extra: string): Row {
  const all = results.map((r) => ms(r.syncMs)).join(', ');
  return {
    benchmark,
    draftroom: ms(medianMs),
    hocuspocus: '—',
    comparison: '—',
    goal: '—',
    notes: [`runs: ${all}`, extra, results.every((r) => r.verified) ? '' : '**text mismatch**'].filter(Boolean).join('; '),
  };
}

async function buildHistory(ctx: ScenarioContext, databaseUrl: string, count: number) {
  const server = await startDraftroom(databaseUrl, { limits: LIMITS, autoCompaction: false });
  try {
    const s: Stage = await stage(server, { coFacilitators: 1, observers: 1, paragraphs: 1 });
    const paragraphId = s.paragraphIds[0]!;
    const trace = loadTrace(ctx.tracePath);
    const state = await gql(server.url, s.coFacilitators[0]!.token, 'query($d: ID!) { documentState(declarationId: $d) { update } }', {
      d: s.declarationId,
    });
    ctx.log(`cold load: building the history (${num(Math.min(count, trace.txns.length), 0)} keystroke updates)`);
    const { doc, updates } = replayIntoDoc(trace, paragraphId, {
      count,
      batch: 1,
      collect: true,
      initial: new Uint8Array(Buffer.from(state.documentState.update, 'base64')),
    });
    const text = doc.getText(paragraphId).toString();
    doc.destroy();
    const viewer = await viewerForToken(server.app.orm.em.fork(), s.coFacilitators[0]!.token);
    if (!viewer) throw new Error('co-facilitator token not found');
    const started = performance.now();
    const seqs = await withTimeout(
      Promise.all(updates.map((update) => server.app.services.committer.submit({ declarationId: s.declarationId, update, origin: null, viewer }))),
      900_000,
      'building the cold-load history',
    );
    const buildMs = performance.now() - started;
    if (seqs.length !== updates.length) throw new Error('not every update was committed');
    const stored = await gql(server.url, s.observers[0]!.token, 'query($d: ID!) { documentState(declarationId: $d) { seq } }', { d: s.declarationId });
    ctx.log(`cold load: ${num(updates.length, 0)} updates committed in ${seconds(buildMs)} (last seq ${stored.documentState.seq})`);
    return {
      stage: s,
      updates: updates.length,
      logBytes: updates.reduce((sum, u) => sum + u.length, 0),
      buildMs,
      expected: { paragraphId, length: text.length, sha1: createHash('sha1').update(text).digest('hex') },
    };
  } finally {
    await server.stop();
  }
}
