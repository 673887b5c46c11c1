/**
 * The soak's clients: a steady mixed load that runs in the background of a
 * client process between `soakStart` and `soakStop` (the bench process asks
 * `soakProgress` every sample period, so commands must not block).
 *
 * - typists: co-facilitators typing one keystroke every `typingIntervalMs`
 *   into their own paragraph through `applyUpdate` over graphql-ws, one
 *   update in flight; the paragraph is kept short (past 600 characters its
 *   first 300 are deleted), so the document stays bounded however long the
 *   run. A refused update (which leaves the local Y.Doc ahead of the server)
 *   makes the typist resync from `documentState`.
 * - followers: observers subscribed to `documentUpdates` and `changes`;
 *   "observers" stay, "reconnecting" ones leave after a few seconds and come
 *   back with `changes(after: <last seq seen>)`, which must continue with the
 *   next seq (a gap is counted as error GAP).
 * - commenters (delegations, stakeholders) add comments; the decider (a
 *   co-facilitator) resolves every third. Proposers (delegations) table
 *   amendments to whole paragraphs, the next proposer supports each, and the
 *   decider accepts one in five and rejects the others.
 *
 * Errors are counted by their contract code (extensions.code), or by what
 * happened (CLOSED, TIMEOUT, GAP, ...). Everything stops at `soakStop`, or on
 * its own `durationMs` + 10 s after the start.
 */
import type { Client } from 'graphql-ws';
import * as Y from 'yjs';
import { LatencyHistogram } from '../lib/histogram.js';
import type { SoakArgs, SoakCounters } from '../lib/protocol.js';
import { sleep } from '../lib/stats.js';
import { APPLY_UPDATE, connect, DOCUMENT_STATE, DOCUMENT_UPDATES, fromBase64, request, toBase64, withDeadline } from './graphqlClient.js';
import { CHANGES } from './subscribers.js';

const TEXT = 'The Forum reaffirms that the Global Compact rests on international cooperation and national sovereignty. ';
const KEEP_CHARS = 600;
const TRIM_CHARS = 300;
const REQUEST_TIMEOUT_MS = 30_000;

interface Run {
  args: SoakArgs;
  stopped: boolean;
  deadline: number;
  counters: SoakCounters;
  ackLatency: LatencyHistogram;
  loops: Promise<void>[];
  open: Set<Client>;
}

let run: Run | null = null;

function emptyCounters(): SoakCounters {
  return {
    updatesAcked: 0,
    keystrokes: 0,
    ackLatency: new LatencyHistogram().toData(),
    documentEvents: 0,
    changeEvents: 0,
    reconnects: 0,
    comments: 0,
    commentsResolved: 0,
    amendmentsProposed: 0,
    amendmentsSupported: 0,
    amendmentsDecided: 0,
    errors: {},
    lastErrors: {},
  };
}

const running = (r: Run) => !r.stopped && performance.now() < r.deadline;

function fail(r: Run, code: string, message: string): void {
  r.counters.errors[code] = (r.counters.errors[code] ?? 0) + 1;
  r.counters.lastErrors[code] = message.slice(0, 200);
}

/** The contract code of an error thrown by `request` ("CODE: message") or by `mutate`, else what happened. */
function codeOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const match = /^([A-Z_]{4,}):/.exec(message);
  if (match) return match[1]!;
  if (/no answer within/.test(message)) return 'TIMEOUT';
  if (/closed/i.test(message)) return 'CLOSED';
  return 'OTHER';
}

/** Sleeps up to `ms`, waking early when the run stops. */
async function pause(r: Run, ms: number): Promise<void> {
  const until = performance.now() + ms;
  while (running(r) && performance.now() < until) await sleep(Math.min(250, until - performance.now()));
}

const jitter = (ms: number) => ms * (0.5 + Math.random());
const pick = <T>(items: readonly T[]) => items[Math.floor(Math.random() * items.length)]!;

async function mutate<T = any>(r: Run, token: string, query: string, variables: Record<string, unknown>): Promise<T> {
  const response = await fetch(r.args.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const body = (await response.json()) as { data?: T; errors?: { message: string; extensions?: { code?: string } }[] };
  if (body.errors?.length || !body.data) {
    const first = body.errors?.[0];
    throw new Error(`${first?.extensions?.code ?? 'HTTP_' + response.status}: ${first?.message ?? JSON.stringify(body).slice(0, 200)}`);
  }
  return body.data;
}

export async function soakStart(args: SoakArgs): Promise<{ started: true }> {
  if (run) throw new Error('a soak is already running in this client process');
  const r: Run = {
    args,
    stopped: false,
    deadline: performance.now() + args.durationMs + 10_000,
    counters: emptyCounters(),
    ackLatency: new LatencyHistogram(),
    loops: [],
    open: new Set(),
  };
  run = r;
  const guarded = (name: string, loop: () => Promise<void>) =>
    r.loops.push(loop().catch((error) => fail(r, 'LOOP', `${name}: ${error instanceof Error ? error.message : String(error)}`)));
  args.typists.forEach((typist) => guarded('typist', () => typistLoop(r, typist.token, typist.paragraphId)));
  args.observers.forEach((token) => guarded('observer', () => followerLoop(r, token, false)));
  args.reconnecting.forEach((token) => guarded('reconnecting observer', () => followerLoop(r, token, true)));
  args.commenters.forEach((token) => guarded('commenter', () => commenterLoop(r, token)));
  args.proposers.forEach((token, i) => guarded('proposer', () => proposerLoop(r, token, args.proposers[(i + 1) % args.proposers.length]!)));
  return { started: true };
}

/** Counters since the previous call (or the start), then zeroed. */
export async function soakProgress(): Promise<SoakCounters> {
  if (!run) return emptyCounters();
  const counters = { ...run.counters, ackLatency: run.ackLatency.toData() };
  run.counters = emptyCounters();
  run.ackLatency = new LatencyHistogram();
  return counters;
}

export async function soakStop(): Promise<SoakCounters> {
  const r = run;
  if (!r) return emptyCounters();
  r.stopped = true;
  await withDeadline(Promise.all(r.loops), 60_000, 'soak clients stopping').catch((error) => fail(r, 'STOP', (error as Error).message));
  await Promise.all([...r.open].map((client) => Promise.resolve(client.dispose()).catch(() => undefined)));
  const last = await soakProgress();
  run = null;
  return last;
}

async function typistLoop(r: Run, token: string, paragraphId: string): Promise<void> {
  while (running(r)) {
    let client: Client | null = null;
    try {
      client = await connect(r.args.wsUrl, token, REQUEST_TIMEOUT_MS);
      r.open.add(client);
      await typeUntilRefused(r, client, paragraphId);
    } catch (error) {
      fail(r, codeOf(error), `typist: ${(error as Error).message}`);
      await pause(r, 1_000);
    } finally {
      if (client) {
        r.open.delete(client);
        await client.dispose();
      }
    }
  }
}

/** Types until the run stops or an update is refused (then the caller resyncs with a fresh doc and socket). */
async function typeUntilRefused(r: Run, client: Client, paragraphId: string): Promise<void> {
  const doc = new Y.Doc();
  const state = await request<{ documentState: { update: string } }>(client, DOCUMENT_STATE, { d: r.args.declarationId });
  Y.applyUpdate(doc, fromBase64(state.documentState.update));
  const text = doc.getText(paragraphId);
  const pending: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => pending.push(update));
  let refused: unknown = null;
  let inFlight: Promise<void> | null = null;
  const send = () => {
    const update = pending.length === 1 ? pending[0]! : Y.mergeUpdates(pending);
    pending.length = 0;
    const sent = performance.now();
    inFlight = withDeadline(request(client, APPLY_UPDATE, { d: r.args.declarationId, u: toBase64(update), o: 'soak' }), REQUEST_TIMEOUT_MS, 'applyUpdate')
      .then(
        () => {
          r.counters.updatesAcked += 1;
          r.ackLatency.record(performance.now() - sent);
        },
        (error) => {
          refused = error;
        },
      )
      .finally(() => {
        inFlight = null;
      });
  };
  let next = performance.now();
  for (let k = 0; running(r) && !refused; k++) {
    next += r.args.typingIntervalMs;
    if (text.length > KEEP_CHARS) text.delete(0, TRIM_CHARS);
    else text.insert(text.length, TEXT[k % TEXT.length]!);
    r.counters.keystrokes += 1;
    if (!inFlight) send();
    const wait = next - performance.now();
    if (wait > 0) await sleep(wait);
    else next = performance.now(); // fell behind (a slow acknowledgement): do not burst to catch up
  }
  while (inFlight) await inFlight;
  if (refused) throw refused;
}

async function followerLoop(r: Run, token: string, reconnecting: boolean): Promise<void> {
  let lastSeq = r.args.changesAfter;
  for (let visit = 0; running(r); visit++) {
    let client: Client | null = null;
    try {
      client = await connect(r.args.wsUrl, token, REQUEST_TIMEOUT_MS);
      r.open.add(client);
      if (visit > 0) r.counters.reconnects += 1;
      let closed: string | null = null;
      const expectFrom = lastSeq;
      let first = true;
      client.subscribe<{ changes: { seq: number } }>(
        { query: CHANGES, variables: { d: r.args.declarationId, a: lastSeq } },
        {
          next: (result) => {
            const seq = result.data?.changes?.seq;
            if (seq === undefined) return fail(r, 'CHANGES', JSON.stringify(result.errors ?? result));
            if (seq !== lastSeq + 1) fail(r, 'GAP', `changes after ${expectFrom}: expected seq ${lastSeq + 1}, got ${seq}${first ? ' (first after reconnecting)' : ''}`);
            first = false;
            lastSeq = Math.max(lastSeq, seq);
            r.counters.changeEvents += 1;
          },
          error: (error) => {
            closed = `changes: ${error instanceof Error ? error.message : JSON.stringify(error)}`;
          },
          complete: () => undefined,
        },
      );
      await withDeadline(
        new Promise<void>((resolve, reject) => {
          client!.subscribe<{ documentUpdates: { sync: boolean } }>(
            { query: DOCUMENT_UPDATES, variables: { d: r.args.declarationId } },
            {
              next: (result) => {
                const event = result.data?.documentUpdates;
                if (!event) return reject(new Error(`${(result.errors?.[0]?.extensions as { code?: string } | undefined)?.code ?? 'DOCUMENT'}: ${JSON.stringify(result.errors)}`));
                if (event.sync) return resolve();
                r.counters.documentEvents += 1;
              },
              error: (error) => {
                closed = `documentUpdates: ${error instanceof Error ? error.message : JSON.stringify(error)}`;
                reject(new Error(closed));
              },
              complete: () => undefined,
            },
          );
        }),
        REQUEST_TIMEOUT_MS,
        'documentUpdates sync',
      );
      const leaveAt = reconnecting ? performance.now() + jitter(r.args.reconnectStayMs) : Number.POSITIVE_INFINITY;
      while (running(r) && !closed && performance.now() < leaveAt) await sleep(250);
      if (closed) throw new Error(`CLOSED: ${closed}`);
    } catch (error) {
      fail(r, codeOf(error), `follower: ${(error as Error).message}`);
      await pause(r, 1_000);
    } finally {
      if (client) {
        r.open.delete(client);
        await client.dispose();
      }
    }
    if (reconnecting) await pause(r, 200);
  }
}

async function commenterLoop(r: Run, token: string): Promise<void> {
  const mine: string[] = [];
  for (let n = 0; running(r); n++) {
    await pause(r, jitter(r.args.commentIntervalMs));
    if (!running(r)) break;
    try {
      const { addComment } = await mutate<{ addComment: { id: string } }>(
        r,
        token,
        'mutation($p: ID!, $i: AddCommentInput!) { addComment(paragraphId: $p, input: $i) { id } }',
        { p: pick(r.args.paragraphIds), i: { body: `Soak comment ${n}: we would prefer stronger language on regular pathways.` } },
      );
      r.counters.comments += 1;
      mine.push(addComment.id);
      if (n % 3 === 2 && r.args.decider) {
        await mutate(r, r.args.decider, 'mutation($c: ID!) { resolveComment(commentId: $c) { id } }', { c: mine.shift()! });
        r.counters.commentsResolved += 1;
      }
      if (mine.length > 10) mine.splice(0, mine.length - 10);
    } catch (error) {
      fail(r, codeOf(error), `comment: ${(error as Error).message}`);
    }
  }
}

async function proposerLoop(r: Run, token: string, supporter: string): Promise<void> {
  for (let n = 0; running(r); n++) {
    await pause(r, jitter(r.args.amendmentIntervalMs));
    if (!running(r)) break;
    try {
      const { proposeAmendment } = await mutate<{ proposeAmendment: { id: string } }>(
        r,
        token,
        'mutation($p: ID!, $i: ProposeAmendmentInput!) { proposeAmendment(paragraphId: $p, input: $i) { id } }',
        { p: pick(r.args.paragraphIds), i: { text: `Member States will consider option ${n}. `, rationale: 'Closer to agreed language.' } },
      );
      r.counters.amendmentsProposed += 1;
      const id = proposeAmendment.id;
      if (supporter !== token) {
        await mutate(r, supporter, 'mutation($a: ID!) { supportAmendment(amendmentId: $a) { id } }', { a: id });
        r.counters.amendmentsSupported += 1;
      }
      if (r.args.decider) {
        await pause(r, 500);
        const decide = n % 5 === 4 ? 'acceptAmendment(amendmentId: $a)' : 'rejectAmendment(amendmentId: $a, reason: "No consensus")';
        await mutate(r, r.args.decider, `mutation($a: ID!) { ${decide} { id } }`, { a: id });
        r.counters.amendmentsDecided += 1;
      }
    } catch (error) {
      fail(r, codeOf(error), `amendment: ${(error as Error).message}`);
    }
  }
}
