/**
 * The soak (`npm run bench -- --soak 10m`): a steady mixed load on one
 * server for a given time, to see whether memory grows. The server runs in
 * a child process of its own (its memory is its own), with its default
 * configuration, automatic compaction included. The load, in two client
 * processes: co-facilitators typing, observers following the document and
 * the change feed, observers that keep leaving and coming back, delegations
 * and stakeholders commenting, delegations tabling and supporting
 * amendments, a co-facilitator resolving comments and deciding amendments
 * (bench/clients/soak.ts).
 *
 * Every sample period (a tenth of the run; a minute when it lasts 10 minutes
 * or more) the server's process.memoryUsage() is taken after full garbage
 * collections, with what the clients did since the previous sample. The
 * first sample is the end of the warm-up; growth is the last sample against
 * it, and the slope of a least-squares line through the samples after it.
 */
import { ClientProcess } from '../lib/clientProcess.js';
import type { Row, Scenario, ScenarioContext } from '../lib/context.js';
import { lastChangeSeq, stage } from '../lib/draftroom.js';
import { LatencyHistogram } from '../lib/histogram.js';
import { processTicks, ticksPerSecond } from '../lib/processCpu.js';
import type { SoakArgs, SoakCounters } from '../lib/protocol.js';
import { DraftroomProcess } from '../lib/serverProcess.js';
import { bytes, ms, num, sleep } from '../lib/stats.js';

const LOAD = {
  typists: 3,
  typingIntervalMs: 100,
  observers: 100,
  reconnecting: 20,
  reconnectStayMs: 5_000,
  delegations: 4,
  stakeholders: 2,
  commentIntervalMs: 3_000,
  amendmentIntervalMs: 6_000,
  /** Paragraphs only commented on and amended, besides the typists' own. */
  quietParagraphs: 2,
};
/** Growth past both of these (end against warm-up) is flagged. */
const GROWTH_PCT = 10;
const GROWTH_BYTES = 4 * 1024 * 1024;
const MAX_SOAK_MS = 24 * 3_600_000;

/** "30s", "10m", "1h" (also "90s", "1.5h") → milliseconds; null when malformed or out of 10 s .. 24 h. */
export function parseDuration(text: string): number | null {
  const match = /^(\d+(?:\.\d+)?)\s*(s|m|h)$/i.exec(text.trim());
  if (!match) return null;
  const unit = { s: 1_000, m: 60_000, h: 3_600_000 }[match[2]!.toLowerCase() as 's' | 'm' | 'h'];
  const value = Number(match[1]) * unit;
  return value >= 10_000 && value <= MAX_SOAK_MS ? value : null;
}

interface Sample {
  atMs: number;
  memory: NodeJS.MemoryUsage;
  counters: SoakCounters;
  /** % of one core over the period. */
  serverCpu: number;
  clientCpu: number;
  periodMs: number;
}

export const soakScenario: Scenario = async (ctx) => {
  const durationMs = ctx.soakMs;
  if (!durationMs) throw new Error('the soak runs only with --soak DURATION (e.g. --soak 10m)');
  const periodMs = durationMs >= 10 * 60_000 ? 60_000 : durationMs / 10;
  const samplesWanted = Math.round(durationMs / periodMs);

  const databaseUrl = await ctx.db.create('soak');
  const server = await DraftroomProcess.start(ctx.repoRoot, { databaseUrl });
  const followers = ClientProcess.start(ctx.repoRoot);
  const writers = ctx.clients;
  try {
    ctx.log('soak: staging the declaration and its participants');
    const s = await stage(server, {
      coFacilitators: LOAD.typists + 1,
      observers: LOAD.observers + LOAD.reconnecting,
      paragraphs: LOAD.typists + LOAD.quietParagraphs,
      delegations: LOAD.delegations,
      stakeholders: LOAD.stakeholders,
    });
    const changesAfter = await lastChangeSeq(server.url, s.coFacilitators[0]!.token, s.declarationId);
    const common: SoakArgs = {
      url: server.url,
      wsUrl: server.wsUrl,
      declarationId: s.declarationId,
      paragraphIds: s.paragraphIds,
      durationMs,
      changesAfter,
      typists: [],
      typingIntervalMs: LOAD.typingIntervalMs,
      observers: [],
      reconnecting: [],
      reconnectStayMs: LOAD.reconnectStayMs,
      commenters: [],
      commentIntervalMs: LOAD.commentIntervalMs,
      proposers: [],
      amendmentIntervalMs: LOAD.amendmentIntervalMs,
      decider: s.coFacilitators[LOAD.typists]!.token,
    };
    await ctx.waitQuiet('soak');
    const baseline = await server.memory(true);
    ctx.log(`soak: ${num(durationMs / 60_000, 1)} min of mixed load, a sample every ${num(periodMs / 1000, 0)} s`);
    await writers.call(
      'soakStart',
      {
        ...common,
        typists: s.coFacilitators.slice(0, LOAD.typists).map((c, i) => ({ token: c.token, paragraphId: s.paragraphIds[i]! })),
        commenters: [...s.delegations, ...s.stakeholders].map((p) => p.token),
        proposers: s.delegations.map((p) => p.token),
      },
      120_000,
    );
    await followers.call(
      'soakStart',
      {
        ...common,
        observers: s.observers.slice(0, LOAD.observers).map((o) => o.token),
        reconnecting: s.observers.slice(LOAD.observers).map((o) => o.token),
      },
      120_000,
    );

    const start = performance.now();
    const samples: Sample[] = [];
    const clientPids = [writers.pid, followers.pid];
    let last = { at: start, server: server.pid ? processTicks(server.pid) : null, clients: sumTicks(clientPids) };
    for (let i = 1; i <= samplesWanted; i++) {
      const wait = start + i * periodMs - performance.now();
      if (wait > 0) await sleep(wait);
      const now = performance.now();
      const ticks = { server: server.pid ? processTicks(server.pid) : null, clients: sumTicks(clientPids) };
      const [a, b] = await Promise.all([writers.call('soakProgress', {}, 60_000), followers.call('soakProgress', {}, 60_000)]);
      const memory = (await server.memory(true)).memory;
      const seconds = (now - last.at) / 1000;
      samples.push({
        atMs: now - start,
        memory,
        counters: add(a, b),
        serverCpu: ticks.server !== null && last.server !== null ? (100 * (ticks.server - last.server)) / ticksPerSecond() / seconds : Number.NaN,
        clientCpu: ticks.clients !== null && last.clients !== null ? (100 * (ticks.clients - last.clients)) / ticksPerSecond() / seconds : Number.NaN,
        periodMs: now - last.at,
      });
      last = { at: now, ...ticks };
      const m = samples.at(-1)!;
      ctx.log(
        `soak ${clock(m.atMs)}: RSS ${bytes(memory.rss)}, heap ${bytes(memory.heapUsed)}, ${num(m.counters.updatesAcked, 0)} updates acked, ` +
          `${errorCount(m.counters)} errors`,
      );
    }
    const [a, b] = await Promise.all([writers.call('soakStop', {}, 120_000), followers.call('soakStop', {}, 120_000)]);
    const totals = samples.reduce((sum, sample) => add(sum, sample.counters), add(a, b));
    ctx.record('soak', { durationMs, periodMs, load: LOAD, baseline: baseline.memory, samples, totals: { ...totals, ackLatency: undefined } });
    return report(ctx, durationMs, baseline.memory, samples, totals);
  } finally {
    // After a failure the clients may still be running: stop them (a no-op after soakStop).
    await writers.call('soakStop', {}, 120_000).catch(() => undefined);
    await followers.stop().catch(() => undefined);
    await server.stop().catch(() => undefined);
    await ctx.db.drop(databaseUrl);
  }
};

function sumTicks(pids: (number | undefined)[]): number | null {
  let sum = 0;
  for (const pid of pids) {
    const ticks = pid ? processTicks(pid) : null;
    if (ticks === null) return null;
    sum += ticks;
  }
  return sum;
}

function add(a: SoakCounters, b: SoakCounters): SoakCounters {
  const errors: Record<string, number> = { ...a.errors };
  for (const [code, count] of Object.entries(b.errors)) errors[code] = (errors[code] ?? 0) + count;
  return {
    updatesAcked: a.updatesAcked + b.updatesAcked,
    keystrokes: a.keystrokes + b.keystrokes,
    ackLatency: new LatencyHistogram().merge(a.ackLatency).merge(b.ackLatency).toData(),
    documentEvents: a.documentEvents + b.documentEvents,
    changeEvents: a.changeEvents + b.changeEvents,
    reconnects: a.reconnects + b.reconnects,
    comments: a.comments + b.comments,
    commentsResolved: a.commentsResolved + b.commentsResolved,
    amendmentsProposed: a.amendmentsProposed + b.amendmentsProposed,
    amendmentsSupported: a.amendmentsSupported + b.amendmentsSupported,
    amendmentsDecided: a.amendmentsDecided + b.amendmentsDecided,
    errors,
    lastErrors: { ...a.lastErrors, ...b.lastErrors },
  };
}

/** 754,000 ms → "12:34" (minutes:seconds; hours:minutes:seconds past an hour). */
function clock(atMs: number): string {
  const total = Math.round(atMs / 1000);
  const [h, m, sec] = [Math.floor(total / 3600), Math.floor((total % 3600) / 60), total % 60];
  const two = (v: number) => String(v).padStart(2, '0');
  return h > 0 ? `${h}:${two(m)}:${two(sec)}` : `${m}:${two(sec)}`;
}

const errorCount = (c: SoakCounters) => Object.values(c.errors).reduce((x, y) => x + y, 0);

/** Least-squares slope of `values` against `minutes`, per hour. */
function slopePerHour(minutes: number[], values: number[]): number {
  const n = values.length;
  if (n < 2) return Number.NaN;
  const mx = minutes.reduce((a, b) => a + b, 0) / n;
  const my = values.reduce((a, b) => a + b, 0) / n;
  let num_ = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num_ += (minutes[i]! - mx) * (values[i]! - my);
    den += (minutes[i]! - mx) ** 2;
  }
  return den === 0 ? Number.NaN : (num_ / den) * 60;
}

interface Growth {
  warm: number;
  end: number;
  delta: number;
  pct: number;
  perHour: number;
  growing: boolean;
}

function growth(samples: Sample[], key: keyof NodeJS.MemoryUsage): Growth {
  const warm = samples[0]!.memory[key];
  const end = samples.at(-1)!.memory[key];
  const delta = end - warm;
  const pct = warm > 0 ? (100 * delta) / warm : Number.NaN;
  const after = samples.slice(1);
  const perHour = slopePerHour(
    after.map((s) => s.atMs / 60_000),
    after.map((s) => s.memory[key]),
  );
  return { warm, end, delta, pct, perHour, growing: delta > GROWTH_BYTES && pct > GROWTH_PCT };
}

function report(ctx: ScenarioContext, durationMs: number, baseline: NodeJS.MemoryUsage, samples: Sample[], totals: SoakCounters): Row[] {
  const minutes = num(durationMs / 60_000, durationMs < 600_000 ? 1 : 0);
  const pct = (v: number) => (Number.isFinite(v) ? `${num(v, 0)}%` : '?');
  const lines = [
    `### Soak, ${minutes} min: server memory over time (after full GCs) and the load in each period`,
    '',
    '| time (m:ss) | RSS | heap used | heap total | external | array buffers | updates acked/s | ack p50 / p99 | events delivered/s | comments + amendments | reconnects | errors | server CPU | clients CPU |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    `| start (idle, staged) | ${bytes(baseline.rss)} | ${bytes(baseline.heapUsed)} | ${bytes(baseline.heapTotal)} | ${bytes(baseline.external)} | ${bytes(baseline.arrayBuffers)} | — | — | — | — | — | — | — | — |`,
    ...samples.map((s, i) => {
      const c = s.counters;
      const perSecond = (v: number) => num(v / (s.periodMs / 1000), 1);
      const ack = new LatencyHistogram().merge(c.ackLatency).summary();
      const label = `${clock(s.atMs)}${i === 0 ? ' (end of warm-up)' : ''}`;
      return (
        `| ${label} | ${bytes(s.memory.rss)} | ${bytes(s.memory.heapUsed)} | ${bytes(s.memory.heapTotal)} | ${bytes(s.memory.external)} | ` +
        `${bytes(s.memory.arrayBuffers)} | ${perSecond(c.updatesAcked)} | ${ms(ack.p50)} / ${ms(ack.p99)} | ${perSecond(c.documentEvents + c.changeEvents)} | ` +
        `${num(c.comments + c.amendmentsProposed, 0)} | ${num(c.reconnects, 0)} | ${num(errorCount(c), 0)} | ${pct(s.serverCpu)} | ${pct(s.clientCpu)} |`
      );
    }),
    '',
  ];
  const ack = new LatencyHistogram().merge(totals.ackLatency).summary();
  const errors = Object.entries(totals.errors).sort((x, y) => y[1] - x[1]);
  lines.push(
    `### Soak, ${minutes} min: totals`,
    '',
    '| what | count |',
    '|---|---|',
    `| keystrokes typed / updates acknowledged (committed) | ${num(totals.keystrokes, 0)} / ${num(totals.updatesAcked, 0)} (ack p50 / p99 / max ${ms(ack.p50)} / ${ms(ack.p99)} / ${ms(ack.max)}) |`,
    `| document updates delivered to observers | ${num(totals.documentEvents, 0)} |`,
    `| change events delivered to observers | ${num(totals.changeEvents, 0)} |`,
    `| reconnections (observers that left and came back) | ${num(totals.reconnects, 0)} |`,
    `| comments added / resolved | ${num(totals.comments, 0)} / ${num(totals.commentsResolved, 0)} |`,
    `| amendments proposed / supported / decided | ${num(totals.amendmentsProposed, 0)} / ${num(totals.amendmentsSupported, 0)} / ${num(totals.amendmentsDecided, 0)} |`,
    ...(errors.length
      ? errors.map(([code, count]) => `| errors ${code} | ${num(count, 0)} (last: ${(totals.lastErrors[code] ?? '').replace(/\|/g, '\\|')}) |`)
      : ['| errors | 0 |']),
    '',
  );
  ctx.section(lines);

  const heap = growth(samples, 'heapUsed');
  const rss = growth(samples, 'rss');
  const external = growth(samples, 'external');
  const verdict = (g: Growth) => (g.growing ? '**growing**' : 'flat');
  const cell = (g: Growth) =>
    `${bytes(g.warm)} → ${bytes(g.end)} (${g.delta >= 0 ? '+' : ''}${bytes(g.delta)}, ${num(g.pct, 1)}%; trend ${bytes(g.perHour)}/h): ${verdict(g)}`;
  ctx.note(
    `Soak: one server instance in a child process of its own (default configuration, automatic compaction on), ${LOAD.typists} co-facilitators ` +
      `typing one keystroke every ${LOAD.typingIntervalMs} ms each (one applyUpdate in flight, paragraphs kept under ${num(600, 0)} characters), ` +
      `${LOAD.observers} observers following documentUpdates and changes, ${LOAD.reconnecting} more leaving and coming back every ~${num(LOAD.reconnectStayMs / 1000, 0)} s, ` +
      `${LOAD.delegations} delegations and ${LOAD.stakeholders} stakeholders commenting every ~${num(LOAD.commentIntervalMs / 1000, 0)} s, the delegations tabling an ` +
      `amendment every ~${num(LOAD.amendmentIntervalMs / 1000, 0)} s (supported by another, then accepted one time in five, else rejected, by a co-facilitator). ` +
      `Growth: the last sample against the first (end of warm-up) and the least-squares trend after it; flagged when above both ${GROWTH_PCT}% and ${bytes(GROWTH_BYTES)}.`,
  );
  const errorsText = errors.length ? errors.map(([code, count]) => `${code} ${num(count, 0)}`).join(', ') : 'none';
  return [
    {
      benchmark: `soak, ${minutes} min: server heap used, warm-up → end`,
      draftroom: cell(heap),
      hocuspocus: '—',
      comparison: '—',
      goal: 'flat',
      notes: `RSS ${cell(rss)}; external ${cell(external)}`,
    },
    {
      benchmark: `soak, ${minutes} min: updates acknowledged, errors by code`,
      draftroom: `${num(totals.updatesAcked, 0)} acked; errors: ${errorsText}`,
      hocuspocus: '—',
      comparison: '—',
      goal: '—',
      notes: `ack p50 / p99 ${ms(ack.p50)} / ${ms(ack.p99)}; ${num(totals.documentEvents + totals.changeEvents, 0)} events delivered, ${num(totals.reconnects, 0)} reconnections`,
    },
  ];
}
