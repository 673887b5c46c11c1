/**
 * Fan-out: one co-facilitator typing at 50 updates/s (one keystroke per
 * update), N observers following the document; per update, the time until
 * the LAST observer received it. Goal: p99 < 50 ms at 500 observers.
 */
import type { FanoutResult } from '../lib/protocol.js';
import type { Row, Scenario, ScenarioContext } from '../lib/context.js';
import { stage, startDraftroom } from '../lib/draftroom.js';
import { startHocuspocus } from '../lib/hocuspocus.js';
import { cores, type CpuUse } from '../lib/cpu.js';
import { ms, num, ratio, summarize } from '../lib/stats.js';

const INTERVAL_MS = 20;
const GOAL_OBSERVERS = 500;
const GOAL_P99_MS = 50;

export const fanoutScenario: Scenario = async (ctx) => {
  const sizes = ctx.observers ?? (ctx.quick ? [50, 100] : [100, 500]);
  const warmupMs = ctx.quick ? 1_000 : 2_000;
  const durationMs = ctx.quick ? 4_000 : 20_000;
  const rows: Row[] = [];
  for (const observers of sizes) {
    const common = { intervalMs: INTERVAL_MS, warmupMs, durationMs, connectTimeoutMs: 60_000 };
    const callTimeout = 180_000 + warmupMs + durationMs;

    ctx.log(`fan-out: draftroom, ${observers} observers`);
    const databaseUrl = await ctx.db.create('fanout');
    let draftroom: FanoutResult;
    let statementsPerUpdate = Number.NaN;
    let draftroomCpu: CpuUse | null = null;
    let hocuspocusCpu: CpuUse | null = null;
    const server = await startDraftroom(databaseUrl);
    try {
      const s = await stage(server, { coFacilitators: 1, observers, paragraphs: 1 });
      const statementsBefore = server.statements;
      await ctx.waitQuiet(`fan-out, draftroom, ${observers} observers`);
      const cpu = ctx.clients.meterWindow(ctx.db.postgresPid());
      draftroom = await ctx.clients.call(
        'fanout',
        {
          system: 'draftroom',
          url: server.wsUrl,
          documentId: s.declarationId,
          paragraphId: s.paragraphIds[0]!,
          typistToken: s.coFacilitators[0]!.token,
          observerTokens: s.observers.map((o) => o.token),
          ...common,
        },
        callTimeout,
      );
      // Subscriptions and connections included: a few per observer, spread over the run.
      statementsPerUpdate = (server.statements - statementsBefore) / Math.max(1, draftroom.sent);
      draftroomCpu = cpu();
    } finally {
      await server.stop();
      await ctx.db.drop(databaseUrl);
    }

    let hocuspocus: FanoutResult | null = null;
    if (ctx.withHocuspocus) {
      ctx.log(`fan-out: Hocuspocus, ${observers} observers`);
      const hp = await startHocuspocus();
      try {
        await ctx.waitQuiet(`fan-out, Hocuspocus, ${observers} observers`);
      const cpu = ctx.clients.meterWindow(ctx.db.postgresPid());
        hocuspocus = await ctx.clients.call(
          'fanout',
          {
            system: 'hocuspocus',
            url: hp.url,
            documentId: `fanout-${observers}`,
            paragraphId: 'paragraph-1',
            typistToken: 'co-facilitator',
            observerTokens: Array.from({ length: observers }, (_, i) => `observer-${i + 1}`),
            ...common,
          },
          callTimeout,
        );
        hocuspocusCpu = cpu();
      } finally {
        await hp.stop();
      }
    }
    rows.push(row(ctx, observers, { result: draftroom, cpu: draftroomCpu }, hocuspocus && { result: hocuspocus, cpu: hocuspocusCpu }, statementsPerUpdate));
  }
  ctx.note(
    `Fan-out: one typist, one keystroke per update every ${INTERVAL_MS} ms (50/s), ${num(warmupMs / 1000, 0)} s warm-up then ` +
      `${num(durationMs / 1000, 0)} s measured; latency per update = from the update sent to the moment the LAST observer received it; ` +
      'typist and observers share one client process (its own WebSocket each), the server runs in the bench process. ' +
      'draftroom broadcasts an update only once it is committed to PostgreSQL; Hocuspocus broadcasts it as soon as it is applied in memory.',
  );
  return rows;
};

interface Measured {
  result: FanoutResult;
  /** CPU of the server (bench) process over the measured window. */
  cpu: CpuUse | null;
}

/** Where the CPU went during a measured window, in % of one core; "other" is everything on the machine that is not the benchmark. */
export function cpuNote(name: string, server: CpuUse | null, client: CpuUse): string {
  const machine = server?.machinePct ?? client.machinePct;
  const postgres = server?.postgresPct ?? Number.NaN;
  const ours = (server?.processPct ?? 0) + client.processPct + (Number.isFinite(postgres) ? postgres : 0);
  const other = (machine / 100) * cores() * 100 - ours;
  const pct = (value: number) => (Number.isFinite(value) ? `${num(value, 0)}%` : '?');
  return (
    `${name} CPU (% of one core): server ${pct(server?.processPct ?? Number.NaN)}, client ${pct(client.processPct)}, ` +
    `PostgreSQL ${pct(postgres)}, other processes ${pct(Math.max(0, other))}${other > 25 ? ' (**busy machine**)' : ''}`
  );
}

function row(ctx: ScenarioContext, observers: number, dm: Measured, hm: Measured | null, statementsPerUpdate: number): Row {
  const draftroom = dm.result;
  const hocuspocus = hm?.result ?? null;
  const d = summarize(draftroom.latenciesMs);
  const dk = summarize(draftroom.keystrokeLatenciesMs);
  const h = hocuspocus ? summarize(hocuspocus.latenciesMs) : null;
  ctx.record(`fanout.${observers}`, {
    draftroom: {
      ...d,
      statementsPerUpdate,
      serverCpu: dm.cpu,
      ...without(draftroom, 'latenciesMs', 'ackLatenciesMs', 'keystrokeLatenciesMs'),
      ack: summarize(draftroom.ackLatenciesMs),
      keystroke: dk,
    },
    hocuspocus:
      h && hocuspocus
        ? {
            ...h,
            serverCpu: hm?.cpu,
            ...without(hocuspocus, 'latenciesMs', 'ackLatenciesMs', 'keystrokeLatenciesMs'),
            ack: summarize(hocuspocus.ackLatenciesMs),
          }
        : null,
  });
  const problems = (r: FanoutResult, name: string) => {
    const out: string[] = [];
    if (r.missing) out.push(`${name}: ${r.missing} updates not received by every observer`);
    if (r.errors) out.push(`${name}: ${r.errors} errors (${r.lastError})`);
    if (r.coalesced) out.push(`${name}: ${r.coalesced} keystrokes merged while an update was in flight`);
    return out;
  };
  const notes = [
    `${d.samples} updates sent after warm-up; draftroom ack (committed) p50 ${ms(summarize(draftroom.ackLatenciesMs).p50)}`,
    `draftroom keystroke-to-last-observer p50 / p99 ${ms(dk.p50)} / ${ms(dk.p99)}`,
    cpuNote('draftroom', dm.cpu, draftroom.clientCpu),
    ...(hocuspocus ? [cpuNote('Hocuspocus', hm?.cpu ?? null, hocuspocus.clientCpu)] : []),
    ...problems(draftroom, 'draftroom'),
    ...(hocuspocus ? problems(hocuspocus, 'Hocuspocus') : []),
  ];
  const goal =
    observers === GOAL_OBSERVERS ? `p99 < ${GOAL_P99_MS} ms: ${d.p99 < GOAL_P99_MS && !draftroom.missing ? 'met' : '**missed**'}` : '—';
  return {
    benchmark: `fan-out, ${observers} observers: p50 / p99 (max)`,
    draftroom: `${ms(d.p50)} / ${ms(d.p99)} (${ms(d.max)})`,
    hocuspocus: h ? `${ms(h.p50)} / ${ms(h.p99)} (${ms(h.max)})` : '—',
    comparison: h ? `${ratio(d.p50, h.p50)} / ${ratio(d.p99, h.p99)}` : '—',
    goal,
    notes: notes.join('; '),
  };
}

function without<T extends object>(value: T, ...keys: string[]): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([k]) => !keys.includes(k))) as Partial<T>;
}
