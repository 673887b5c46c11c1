/**
 * The crowd: 2,000 observers on ONE instance, each with its own graphql-ws
 * socket and OBSERVER token (one token per subscriber, so a limit on
 * connections per token never applies), subscribed to `changes` and
 * `documentUpdates` of one declaration, while a co-facilitator types at a
 * steady rate. Figures: the time to connect and sync all of them, the
 * server's memory per connection, and the fan-out latency from `applyUpdate`
 * sent to each subscriber receiving it.
 *
 * The server runs in a child process of its own (bench/lib/serverProcess.ts)
 * so that its RSS is the server's alone. The subscribers are spread over a
 * few client processes (bench/clients/subscribers.ts), about 700 each, so
 * that no client event loop is the bottleneck; the typist runs in the main
 * client process. Send and receive times are taken on the machine's
 * monotonic clock, which every process shares.
 */
import { ClientProcess } from '../lib/clientProcess.js';
import type { Row, Scenario, ScenarioContext } from '../lib/context.js';
import { cores, type CpuUse } from '../lib/cpu.js';
import { gql, lastChangeSeq, stage } from '../lib/draftroom.js';
import { LatencyHistogram, machineNowMs, type Percentiles } from '../lib/histogram.js';
import { PidCpuMeter } from '../lib/processCpu.js';
import type { AwaitChangeResult, CollectSubscribersResult, SteadyTypingResult, SubscribersOpened } from '../lib/protocol.js';
import { DraftroomProcess, type ServerMemory } from '../lib/serverProcess.js';
import { bytes, ms, num, seconds, sleep, summarize } from '../lib/stats.js';

/** One keystroke every 100 ms: 10 updates/s, i.e. 20,000 deliveries/s at 2,000 subscribers. */
const INTERVAL_MS = 100;
const SUBSCRIBERS_PER_PROCESS = 700;
const MAX_PROCESSES = 4;
const CONNECT_CONCURRENCY = 20;
const WARMUP_CONNECTIONS = 50;

export const crowdScenario: Scenario = async (ctx) => {
  const subscribers = ctx.subscribers ?? (ctx.quick ? 200 : 2_000);
  const warmupMs = ctx.quick ? 2_000 : 3_000;
  const durationMs = ctx.quick ? 6_000 : 20_000;
  const processes = Math.min(MAX_PROCESSES, Math.max(1, Math.ceil(subscribers / SUBSCRIBERS_PER_PROCESS)));

  ctx.log(`crowd: ${subscribers} subscribers on one instance (server in a child process, subscribers in ${processes} client processes)`);
  const databaseUrl = await ctx.db.create('crowd');
  const server = await DraftroomProcess.start(ctx.repoRoot, { databaseUrl });
  const crowd = Array.from({ length: processes }, () => ClientProcess.start(ctx.repoRoot));
  try {
    if (server.openFilesLimit !== null && server.openFilesLimit < subscribers + 200) {
      throw new Error(
        `the server process may open only ${server.openFilesLimit} files (ulimit -n) and needs one per socket: raise it above ${subscribers + 200}`,
      );
    }
    ctx.log(`crowd: inviting ${subscribers} observers`);
    const s = await stage(server, { coFacilitators: 1, observers: subscribers, paragraphs: 1 });
    const pen = s.coFacilitators[0]!.token;
    const changesAfter = await lastChangeSeq(server.url, pen, s.declarationId);
    const shares = split(
      s.observers.map((o) => o.token),
      processes,
    );
    const open = (proc: ClientProcess, tokens: string[]) =>
      proc.call(
        'openSubscribers',
        { url: server.wsUrl, declarationId: s.declarationId, tokens, changesAfter, connectConcurrency: CONNECT_CONCURRENCY, connectTimeoutMs: 120_000 },
        600_000,
      );

    // Code warm-up (first sockets, first subscriptions) is not per-connection memory.
    await open(crowd[0]!, s.observers.slice(0, WARMUP_CONNECTIONS).map((o) => o.token));
    await crowd[0]!.call('closeSubscribers', {}, 60_000);
    await sleep(500);
    await ctx.waitQuiet(`crowd, ${subscribers} subscribers`);
    const before = await server.memory(true);

    ctx.log(`crowd: connecting ${subscribers} subscribers`);
    const opened = await Promise.all(crowd.map((proc, i) => open(proc, shares[i]!)));
    const connected = opened.reduce((sum, o) => sum + o.opened, 0);
    if (connected === 0) throw new Error(`no subscriber connected: ${opened.find((o) => o.firstError)?.firstError}`);
    await sleep(1_000);
    const after = await server.memory(true);

    // One change event to every subscriber: the `changes` subscriptions are live (and how long the feed takes to reach 2,000).
    const probeSentAt = machineNowMs();
    await gql(server.url, pen, 'mutation($p: ID!) { addComment(paragraphId: $p, input: { body: "Crowd probe" }) { id } }', { p: s.paragraphIds[0] });
    const probes = await Promise.all(crowd.map((proc) => proc.call('awaitChange', { kind: 'COMMENT_ADDED', sentAt: probeSentAt, timeoutMs: 60_000 }, 120_000)));

    ctx.log(`crowd: typing for ${num((warmupMs + durationMs) / 1000, 0)} s to ${connected} subscribers`);
    await ctx.waitQuiet(`crowd fan-out, ${subscribers} subscribers`);
    const pids: Record<string, number | undefined> = { server: server.pid, typist: ctx.clients.pid };
    crowd.forEach((proc, i) => (pids[`subscribers ${i + 1}`] = proc.pid));
    const processCpu = new PidCpuMeter(pids);
    let windowCpu: Record<string, number> | null = null;
    const machineCpu = ctx.clients.meterWindow(ctx.db.postgresPid());
    const machinePhase = ctx.clients.onPhase;
    ctx.clients.onPhase = (name) => {
      machinePhase?.(name);
      if (name === 'start') processCpu.start();
      else if (processCpu.started) windowCpu = processCpu.stop();
    };
    const typing: SteadyTypingResult = await ctx.clients.call(
      'typeSteadily',
      {
        url: server.wsUrl,
        token: pen,
        declarationId: s.declarationId,
        paragraphId: s.paragraphIds[0]!,
        intervalMs: INTERVAL_MS,
        warmupMs,
        durationMs,
        connectTimeoutMs: 60_000,
      },
      120_000 + warmupMs + durationMs,
    );
    const bench = machineCpu();
    const cpu: Record<string, number> = windowCpu ?? processCpu.stop();
    const collected: CollectSubscribersResult[] = await Promise.all(
      crowd.map((proc) => proc.call('collectSubscribers', { sentAt: typing.sentAt, firstMeasured: typing.firstMeasured, drainMs: 15_000 }, 120_000)),
    );
    const loaded = await server.memory(true);
    await Promise.all(crowd.map((proc) => proc.call('closeSubscribers', {}, 120_000)));

    const result = crowdResult({ subscribers, processes, opened, before, after, loaded, probes, typing, collected, cpu, machineCpu: bench });
    ctx.record(`crowd.${subscribers}`, result);
    return rows(ctx, result);
  } finally {
    await Promise.all(crowd.map((proc) => proc.stop().catch(() => undefined)));
    await server.stop().catch(() => undefined);
    await ctx.db.drop(databaseUrl);
  }
};

interface Measured {
  subscribers: number;
  processes: number;
  opened: SubscribersOpened[];
  before: ServerMemory;
  after: ServerMemory;
  loaded: ServerMemory;
  probes: AwaitChangeResult[];
  typing: SteadyTypingResult;
  collected: CollectSubscribersResult[];
  cpu: Record<string, number>;
  machineCpu: CpuUse | null;
}

/** The figures (also written to --json) from what the processes measured. */
function crowdResult(m: Measured) {
  const connected = m.opened.reduce((sum, o) => sum + o.opened, 0);
  const perConnection = new LatencyHistogram();
  m.opened.forEach((o) => perConnection.merge(o.connectMs));
  const probe = new LatencyHistogram();
  m.probes.forEach((p) => probe.merge(p.latency));
  const fanout = lastSubscriberLatencies(m.typing, m.collected, connected);
  const delivery = new LatencyHistogram();
  m.collected.forEach((c) => delivery.merge(c.delivery));
  return {
    subscribers: m.subscribers,
    connected,
    failedToConnect: m.opened.reduce((sum, o) => sum + o.failed, 0),
    firstConnectError: m.opened.find((o) => o.firstError)?.firstError ?? null,
    processes: m.processes,
    connectAllMs: Math.max(...m.opened.map((o) => o.syncedAt)) - Math.min(...m.opened.map((o) => o.startedAt)),
    connectPerConnection: perConnection.summary(),
    memory: { before: m.before.memory, after: m.after.memory, afterTyping: m.loaded.memory },
    perConnection: perConnectionMemory(m.before, m.after, connected),
    probe: { ...probe.summary(), received: m.probes.reduce((sum, p) => sum + p.received, 0) },
    typing: {
      keystrokes: m.typing.keystrokes,
      updates: m.typing.sentAt.length,
      coalesced: m.typing.coalesced,
      errors: m.typing.errors,
      lastError: m.typing.lastError,
      ack: summarize(m.typing.ackLatenciesMs),
    },
    fanoutLastSubscriber: fanout.summary,
    fanoutIncomplete: fanout.incomplete,
    delivery: delivery.summary(),
    missingDeliveries: m.collected.reduce((sum, c) => sum + c.missingDeliveries, 0),
    changeEvents: m.collected.reduce((sum, c) => sum + c.changeEvents, 0),
    subscriberErrors: m.collected.reduce((sum, c) => sum + c.errors, 0),
    lastSubscriberError: m.collected.find((c) => c.lastError)?.lastError ?? null,
    cpu: m.cpu,
    machineCpu: m.machineCpu,
  };
}

type CrowdResult = ReturnType<typeof crowdResult>;

function split<T>(items: T[], parts: number): T[][] {
  const out: T[][] = Array.from({ length: parts }, () => []);
  items.forEach((item, i) => out[i % parts]!.push(item));
  return out;
}

/** Per measured update: from its send to the moment the LAST subscriber (of every process) received it. */
function lastSubscriberLatencies(typing: SteadyTypingResult, collected: CollectSubscribersResult[], connected: number) {
  const byIndex = new Map<number, { count: number; lastAt: number }>();
  for (const c of collected) {
    for (const u of c.perUpdate) {
      const entry = byIndex.get(u.index) ?? { count: 0, lastAt: 0 };
      entry.count += u.count;
      if (u.lastAt !== null) entry.lastAt = Math.max(entry.lastAt, u.lastAt);
      byIndex.set(u.index, entry);
    }
  }
  const latencies: number[] = [];
  let incomplete = 0;
  for (const [index, entry] of byIndex) {
    const sentAt = typing.sentAt[index];
    if (typeof sentAt !== 'number') continue;
    if (entry.count >= connected) latencies.push(entry.lastAt - sentAt);
    else incomplete += 1;
  }
  const h = new LatencyHistogram();
  latencies.forEach((l) => h.record(l));
  return { summary: h.summary(), incomplete };
}

function perConnectionMemory(before: ServerMemory, after: ServerMemory, connections: number) {
  const per = (key: keyof NodeJS.MemoryUsage) => (after.memory[key] - before.memory[key]) / connections;
  return { rss: per('rss'), heapUsed: per('heapUsed'), external: per('external'), arrayBuffers: per('arrayBuffers') };
}

const p4 = (p: Percentiles) => `${ms(p.p50)} / ${ms(p.p95)} / ${ms(p.p99)} (${ms(p.max)})`;
const pct = (value: number | undefined) => (value !== undefined && Number.isFinite(value) ? `${num(value, 0)}%` : '?');

function rows(ctx: ScenarioContext, r: CrowdResult): Row[] {
  const n = num(r.subscribers, 0);
  const cpu = r.cpu;
  const subscriberCpu = Object.entries(cpu)
    .filter(([label]) => label.startsWith('subscribers'))
    .map(([, value]) => value);
  const machine = r.machineCpu;
  const ours = Object.values(cpu).reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0) + (machine && Number.isFinite(machine.postgresPct) ? machine.postgresPct : 0);
  const other = machine ? (machine.machinePct / 100) * cores() * 100 - ours : Number.NaN;
  const cpuText =
    `CPU over the typing window (% of one core): server ${pct(cpu.server)}, subscriber processes ${subscriberCpu.map((v) => pct(v)).join(' + ')}, ` +
    `typist ${pct(cpu.typist)}, PostgreSQL ${pct(machine?.postgresPct)}, other processes ${pct(Math.max(0, other))}${other > 25 ? ' (**busy machine**)' : ''}`;
  const problems: string[] = [];
  if (r.failedToConnect) problems.push(`${r.failedToConnect} subscribers failed to connect (${r.firstConnectError})`);
  if (r.missingDeliveries) problems.push(`${num(r.missingDeliveries, 0)} deliveries missing after the drain (${r.fanoutIncomplete} updates not received by all)`);
  if (r.subscriberErrors) problems.push(`${r.subscriberErrors} subscriber errors (${r.lastSubscriberError})`);
  if (r.typing.errors) problems.push(`${r.typing.errors} applyUpdate errors (${r.typing.lastError})`);
  if (r.probe.received < r.connected) problems.push(`the probe change event reached ${r.probe.received} of ${r.connected} subscribers`);
  const perConn = r.perConnection;
  const mem = r.memory;
  ctx.note(
    `Crowd: ${n} observers, each its own graphql-ws socket and OBSERVER token, subscribed to \`changes\` (from the feed's last seq) and ` +
      `\`documentUpdates\` of one declaration, on ONE server instance that runs in a child process of its own (its memory is its own); ` +
      `the subscribers are spread over ${r.processes} client processes and the typist runs in another, all on 127.0.0.1. Memory: ` +
      `process.memoryUsage() of the server process after three full GCs, all subscribed, minus the same before (after ${WARMUP_CONNECTIONS} ` +
      `warm-up connections opened and closed), divided by the connections. Fan-out: a co-facilitator types one keystroke every ${INTERVAL_MS} ms ` +
      `(one applyUpdate in flight), ${seconds(r.typing.keystrokes * INTERVAL_MS)} of which the first part is warm-up; times are on the machine's ` +
      `monotonic clock, shared by all processes.`,
  );
  return [
    {
      benchmark: `crowd, ${n} subscribers on one instance: connect and sync all`,
      draftroom: `${seconds(r.connectAllMs)} (${num((r.connected / r.connectAllMs) * 1000, 0)}/s)`,
      hocuspocus: '—',
      comparison: '—',
      goal: '—',
      notes:
        `${num(r.connected, 0)} connected, ${CONNECT_CONCURRENCY} at a time per client process; per connection (socket open to documentUpdates sync) ` +
        `p50 / p99 ${ms(r.connectPerConnection.p50)} / ${ms(r.connectPerConnection.p99)}; first change event (COMMENT_ADDED) to all ` +
        `p50 / p95 / p99 (max) ${p4(r.probe)}`,
    },
    {
      benchmark: `crowd, ${n} subscribers: server memory per connection`,
      draftroom: `RSS ${bytes(perConn.rss)}, heap ${bytes(perConn.heapUsed)}`,
      hocuspocus: '—',
      comparison: '—',
      goal: '—',
      notes:
        `server process (child), after GC: RSS ${bytes(mem.before.rss)} → ${bytes(mem.after.rss)} with all subscribed → ${bytes(mem.afterTyping.rss)} after typing; ` +
        `heap used ${bytes(mem.before.heapUsed)} → ${bytes(mem.after.heapUsed)} → ${bytes(mem.afterTyping.heapUsed)}; external ${bytes(perConn.external)} per connection`,
    },
    {
      benchmark: `crowd, ${n} subscribers: applyUpdate to the last subscriber p50 / p95 / p99 (max)`,
      draftroom: p4(r.fanoutLastSubscriber),
      hocuspocus: '—',
      comparison: '—',
      goal: '—',
      notes: [
        `${num(r.fanoutLastSubscriber.samples, 0)} updates after warm-up (${num(1000 / INTERVAL_MS, 0)} keystrokes/s, ${r.typing.coalesced} merged while one was in flight); ` +
          `every delivery (update × subscriber, ${num(r.delivery.samples, 0)}) p50 / p95 / p99 (max) ${p4(r.delivery)}; ack (committed) p50 / p99 ${ms(r.typing.ack.p50)} / ${ms(r.typing.ack.p99)}`,
        cpuText,
        ...problems,
      ].join('; '),
    },
  ];
}
