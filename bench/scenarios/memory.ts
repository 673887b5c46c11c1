/**
 * Memory per idle subscribed WebSocket connection, at 1,000 connections:
 * the server runs in this (the bench) process, the clients in the client
 * process; `process.memoryUsage()` here after full garbage collections,
 * before and after the connections are open and subscribed, divided by
 * their number.
 */
import type { Row, Scenario, ScenarioContext } from '../lib/context.js';
import { collectGarbage } from '../lib/context.js';
import { stage, startDraftroom } from '../lib/draftroom.js';
import { startHocuspocus } from '../lib/hocuspocus.js';
import type { IdleArgs } from '../lib/protocol.js';
import { bytes, num, ratio, sleep } from '../lib/stats.js';

const WARMUP_CONNECTIONS = 50;

interface Footprint {
  heap: number;
  rss: number;
  external: number;
  connectMs: number;
}

export const memoryScenario: Scenario = async (ctx) => {
  const connections = ctx.quick ? 200 : 1_000;
  const gc = collectGarbage();

  ctx.log(`memory: draftroom, ${connections} idle subscribed connections`);
  const databaseUrl = await ctx.db.create('memory');
  let draftroom: Footprint;
  const server = await startDraftroom(databaseUrl);
  try {
    const s = await stage(server, { coFacilitators: 1, observers: connections, paragraphs: 1 });
    draftroom = await footprint(ctx, gc, {
      system: 'draftroom',
      url: server.wsUrl,
      documentId: s.declarationId,
      tokens: s.observers.map((o) => o.token),
      connectTimeoutMs: 120_000,
    });
  } finally {
    await server.stop();
    await ctx.db.drop(databaseUrl);
  }

  let hocuspocus: Footprint | null = null;
  if (ctx.withHocuspocus) {
    ctx.log(`memory: Hocuspocus, ${connections} idle connections`);
    const hp = await startHocuspocus();
    try {
      hocuspocus = await footprint(ctx, gc, {
        system: 'hocuspocus',
        url: hp.url,
        documentId: 'memory',
        tokens: Array.from({ length: connections }, (_, i) => `observer-${i + 1}`),
        connectTimeoutMs: 120_000,
      });
    } finally {
      await hp.stop();
    }
  }
  ctx.record('memory', { connections, draftroom, hocuspocus });
  ctx.note(
    `Memory: the server runs in the bench process and the ${num(connections, 0)} clients in the client process; figures are ` +
      'process.memoryUsage() of the bench process after three full GCs, with all connections open and subscribed (draftroom: one ' +
      'graphql-ws socket per observer, each with a documentUpdates subscription past its sync event; Hocuspocus: one socket per client, ' +
      `synced to the document) minus the same before, divided by ${num(connections, 0)}. ${WARMUP_CONNECTIONS} connections are opened and ` +
      'closed first so that code warm-up is not counted. The figure is the V8 heap (heapUsed); RSS is given in the notes but is coarse: ' +
      'in one process the allocator keeps and reuses pages freed by the previous runs, so an RSS delta near 0 only means reused pages.',
  );
  const cell = (f: Footprint) => `heap ${bytes(f.heap)}`;
  return [
    {
      benchmark: `memory per idle subscribed connection (${num(connections, 0)} connections): server heap`,
      draftroom: cell(draftroom),
      hocuspocus: hocuspocus ? cell(hocuspocus) : '—',
      comparison: hocuspocus ? ratio(draftroom.heap, hocuspocus.heap) : '—',
      goal: '—',
      notes:
        `server in-process (bench process); per connection, RSS (coarse): draftroom ${bytes(draftroom.rss)}` +
        (hocuspocus ? `, Hocuspocus ${bytes(hocuspocus.rss)}` : '') +
        `; external (buffers): draftroom ${bytes(draftroom.external)}` +
        (hocuspocus ? `, Hocuspocus ${bytes(hocuspocus.external)}` : ''),
    },
  ];
};

async function footprint(ctx: ScenarioContext, gc: () => void, args: IdleArgs): Promise<Footprint> {
  await ctx.waitQuiet(`memory, ${args.system}`);
  await ctx.clients.call('openIdle', { ...args, tokens: args.tokens.slice(0, WARMUP_CONNECTIONS) }, 180_000);
  await ctx.clients.call('closeIdle', {}, 60_000);
  await sleep(500);
  const before = await settled(gc);
  const opened = await ctx.clients.call('openIdle', args, 300_000);
  try {
    await sleep(1_000);
    const after = await settled(gc);
    const n = opened.connections;
    return {
      heap: (after.heapUsed - before.heapUsed) / n,
      rss: (after.rss - before.rss) / n,
      external: (after.external - before.external) / n,
      connectMs: opened.connectMs,
    };
  } finally {
    await ctx.clients.call('closeIdle', {}, 60_000);
    await sleep(500);
  }
}

async function settled(gc: () => void): Promise<NodeJS.MemoryUsage> {
  for (let i = 0; i < 3; i++) {
    gc();
    await sleep(100);
  }
  return process.memoryUsage();
}
