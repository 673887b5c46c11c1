/**
 * Throughput: acknowledged updates per second with 1, 8 and 32 concurrent
 * writers, each typing into its own paragraph, one update in flight each.
 * Goal: at least 2,000/s at 32 writers (durable acknowledgements).
 */
import type { ThroughputResult } from '../lib/protocol.js';
import type { Row, Scenario } from '../lib/context.js';
import { stage, startDraftroom } from '../lib/draftroom.js';
import { startHocuspocus } from '../lib/hocuspocus.js';
import type { CpuUse } from '../lib/cpu.js';
import { ms, num, ratio, summarize } from '../lib/stats.js';
import { cpuNote } from './fanout.js';

const GOAL_WRITERS = 32;
const GOAL_PER_SECOND = 2_000;

export const throughputScenario: Scenario = async (ctx) => {
  const writerCounts = ctx.writers ?? [1, 8, 32];
  const warmupMs = ctx.quick ? 1_000 : 2_000;
  const durationMs = ctx.quick ? 3_000 : 10_000;
  const callTimeout = 180_000 + warmupMs + durationMs;
  const rows: Row[] = [];
  for (const writers of writerCounts) {
    ctx.log(`throughput: draftroom, ${writers} writers`);
    const databaseUrl = await ctx.db.create('throughput');
    let draftroom: ThroughputResult;
    let statementsPerUpdate = Number.NaN;
    let draftroomCpu: CpuUse | null = null;
    let hocuspocusCpu: CpuUse | null = null;
    const server = await startDraftroom(databaseUrl);
    try {
      const s = await stage(server, { coFacilitators: writers, observers: 0, paragraphs: writers });
      const statementsBefore = server.statements;
      await ctx.waitQuiet(`throughput, draftroom, ${writers} writers`);
      const cpu = ctx.clients.meterWindow(ctx.db.postgresPid());
      draftroom = await ctx.clients.call(
        'throughput',
        {
          system: 'draftroom',
          url: server.wsUrl,
          documentId: s.declarationId,
          writers: s.paragraphIds.map((paragraphId, i) => ({ token: s.coFacilitators[i]!.token, paragraphId })),
          warmupMs,
          durationMs,
          connectTimeoutMs: 60_000,
        },
        callTimeout,
      );
      statementsPerUpdate = (server.statements - statementsBefore) / Math.max(1, draftroom.total);
      draftroomCpu = cpu();
    } finally {
      await server.stop();
      await ctx.db.drop(databaseUrl);
    }

    let hocuspocus: ThroughputResult | null = null;
    if (ctx.withHocuspocus) {
      ctx.log(`throughput: Hocuspocus, ${writers} writers`);
      const hp = await startHocuspocus();
      try {
        await ctx.waitQuiet(`throughput, Hocuspocus, ${writers} writers`);
      const cpu = ctx.clients.meterWindow(ctx.db.postgresPid());
        hocuspocus = await ctx.clients.call(
          'throughput',
          {
            system: 'hocuspocus',
            url: hp.url,
            documentId: `throughput-${writers}`,
            writers: Array.from({ length: writers }, (_, i) => ({ token: `writer-${i + 1}`, paragraphId: `paragraph-${i + 1}` })),
            warmupMs,
            durationMs,
            connectTimeoutMs: 60_000,
          },
          callTimeout,
        );
        hocuspocusCpu = cpu();
      } finally {
        await hp.stop();
      }
    }

    const dAck = summarize(draftroom.ackLatenciesMs);
    const hAck = hocuspocus ? summarize(hocuspocus.ackLatenciesMs) : null;
    ctx.record(`throughput.${writers}`, {
      draftroom: { perSecond: draftroom.perSecond, acked: draftroom.acked, total: draftroom.total, statementsPerUpdate, serverCpu: draftroomCpu, clientCpu: draftroom.clientCpu, errors: draftroom.errors, lastError: draftroom.lastError, ack: dAck },
      hocuspocus: hocuspocus && {
        perSecond: hocuspocus.perSecond,
        acked: hocuspocus.acked,
        serverCpu: hocuspocusCpu,
        clientCpu: hocuspocus.clientCpu,
        errors: hocuspocus.errors,
        lastError: hocuspocus.lastError,
        ack: hAck,
      },
    });
    const notes = [`ack p50 / p99: draftroom ${ms(dAck.p50)} / ${ms(dAck.p99)}`];
    if (hAck) notes.push(`Hocuspocus ${ms(hAck.p50)} / ${ms(hAck.p99)}`);
    notes.push(`draftroom: ${num(statementsPerUpdate, 1)} SQL statements per update`);
    notes.push(cpuNote('draftroom', draftroomCpu, draftroom.clientCpu));
    if (hocuspocus) notes.push(cpuNote('Hocuspocus', hocuspocusCpu, hocuspocus.clientCpu));
    if (draftroom.errors) notes.push(`draftroom: ${draftroom.errors} errors (${draftroom.lastError})`);
    if (hocuspocus?.errors) notes.push(`Hocuspocus: ${hocuspocus.errors} errors (${hocuspocus.lastError})`);
    rows.push({
      benchmark: `throughput, ${writers} writer${writers === 1 ? '' : 's'}: acknowledged updates/s`,
      draftroom: `${num(draftroom.perSecond, 0)}/s`,
      hocuspocus: hocuspocus ? `${num(hocuspocus.perSecond, 0)}/s` : '—',
      comparison: hocuspocus ? ratio(draftroom.perSecond, hocuspocus.perSecond) : '—',
      goal:
        writers === GOAL_WRITERS
          ? `≥ ${num(GOAL_PER_SECOND, 0)}/s: ${draftroom.perSecond >= GOAL_PER_SECOND && !draftroom.errors ? 'met' : '**missed**'}`
          : '—',
      notes: notes.join('; '),
    });
  }
  ctx.note(
    `Throughput: each writer its own Y.Doc and WebSocket, one keystroke per update into its own paragraph, one update in flight; ` +
      `${num(warmupMs / 1000, 0)} s warm-up, acknowledgements counted over ${num(durationMs / 1000, 0)} s. ` +
      'draftroom: acknowledged = the applyUpdate answer, sent only once the update is committed to PostgreSQL (fsync on); writers do not subscribe. ' +
      'Hocuspocus: acknowledged = its SyncStatus message, sent once the server has applied the update in memory; it persists nothing before ' +
      'acknowledging or broadcasting (in-memory store), and every writer socket also receives every broadcast.',
  );
  return rows;
};
