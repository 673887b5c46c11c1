/**
 * One fuzz run's world: a fresh declaration on the shared server with one
 * participant of every role, the ids made so far (the pools that `Ref`s
 * index), two co-facilitator replicas of the Y.Doc, an observer following
 * `changes` and `documentUpdates` over graphql-ws, and the transport every
 * operation goes through.
 *
 * The transport is where the first invariant lives: every answer, over HTTP
 * or graphql-ws, is checked as it arrives. No status >= 500, no
 * INTERNAL_SERVER_ERROR, no code outside the contract, no socket closed
 * under an operation. A violation throws `InvariantViolation` at once, so
 * fast-check sees the run fail at the operation that caused it.
 */
import { randomBytes } from 'node:crypto';
import * as Y from 'yjs';
import type { GraphQLTestClient, Result } from '../support/client.js';
import { addParagraph, addSection, createCast, invite, type Cast } from '../support/factories.js';
import type { TestServer } from '../support/testServer.js';
import { fromBase64, REMOTE, toBase64 } from '../support/yjsClient.js';
import { spell, UNKNOWN_UUID, type Ref } from './inputs.js';
import type { Actor, Via } from './operations.js';

/** The codes a client may ever see (UNAVAILABLE is for database outages, which a fuzz run has none of). */
export const CONTRACT_CODES = new Set(['UNAUTHENTICATED', 'FORBIDDEN', 'BAD_USER_INPUT', 'NOT_FOUND', 'CONFLICT']);

export class InvariantViolation extends Error {
  override name = 'InvariantViolation';
}

export type Kind = 'declaration' | 'section' | 'paragraph' | 'comment' | 'amendment' | 'revision';

/** Another declaration, made once per server, whose ids the runs send where they do not belong. */
export interface Elsewhere {
  declaration: string;
  section: string;
  paragraph: string;
  comment: string;
  amendment: string;
  revision: string;
  /** A co-facilitator of a third, empty declaration: the `outsider` actor, who may do nothing with any id a run names. */
  outsider: GraphQLTestClient;
}

export async function makeElsewhere(server: TestServer): Promise<Elsewhere> {
  const admin = server.client();
  const declaration: string = (await admin.ok('mutation { createDeclaration(input: { title: "Another declaration" }) { id } }')).createDeclaration.id;
  const co = (await invite(server, declaration, 'CO_FACILITATOR', 'Ambassador Elsewhere')).client;
  const delegation = (await invite(server, declaration, 'DELEGATION', 'Delegate of Chile', 'Chile')).client;
  const section = (await addSection(co, declaration, 'Elsewhere')).id;
  const paragraph = (await addParagraph(co, section, { text: 'Another text, elsewhere.' })).id;
  const comment = (await co.ok('mutation($p: ID!) { addComment(paragraphId: $p, input: { body: "Elsewhere." }) { id } }', { p: paragraph })).addComment.id;
  const amendment = (
    await delegation.ok('mutation($p: ID!) { proposeAmendment(paragraphId: $p, input: { text: "Other text." }) { id } }', { p: paragraph })
  ).proposeAmendment.id;
  const revision = (await co.ok('mutation($d: ID!) { publishRevision(declarationId: $d) { id } }', { d: declaration })).publishRevision.id;
  const third = (await admin.ok('mutation { createDeclaration(input: { title: "A third declaration" }) { id } }')).createDeclaration.id;
  const outsider = (await invite(server, third, 'CO_FACILITATOR', 'Ambassador Outside')).client;
  return { declaration, section, paragraph, comment, amendment, revision, outsider };
}

/** Tallies for the final report: what ran and what came back. */
export class Stats {
  runs = 0;
  ops = 0;
  requests = 0;
  readonly outcomes = new Map<string, number>();

  count(op: string, outcome: string): void {
    const key = `${op} ${outcome}`;
    this.outcomes.set(key, (this.outcomes.get(key) ?? 0) + 1);
  }

  report(): string {
    const lines = [...this.outcomes.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `  ${k}: ${n}`);
    return `${this.runs} runs, ${this.ops} operations, ${this.requests} requests\n${lines.join('\n')}`;
  }
}

/** A co-facilitator's replica: a Y.Doc kept by pulling `documentState`, whose local edits the run sends by hand. */
export class EditorReplica {
  doc = new Y.Doc();
  /** The doc holds a change the server refused (kept on purpose): its next updates build on what the server lacks. */
  diverged = false;

  constructor(readonly actor: 'coFacilitator' | 'coFacilitator2') {}

  /** A fresh doc (after a refusal: a client drops what the server refused and resyncs). */
  reset(): void {
    this.doc.destroy();
    this.doc = new Y.Doc();
    this.diverged = false;
  }

  receive(update: Uint8Array): void {
    Y.applyUpdate(this.doc, update, REMOTE);
  }

  /** Runs `change` as one transaction; the update it made (null when it changed nothing). */
  edit(change: (doc: Y.Doc) => void): Uint8Array | null {
    const before = Y.encodeStateVector(this.doc);
    this.doc.transact(() => change(this.doc));
    const update = Y.encodeStateAsUpdate(this.doc, before);
    const empty = Y.encodeStateAsUpdate(new Y.Doc());
    return Buffer.compare(Buffer.from(update), Buffer.from(empty)) === 0 ? null : update;
  }
}

export class World {
  readonly pools: Record<Kind, string[]>;
  readonly replicas: [EditorReplica, EditorReplica] = [new EditorReplica('coFacilitator'), new EditorReplica('coFacilitator2')];
  /** Updates the server acknowledged, for replays. */
  readonly acknowledged: Uint8Array[] = [];
  /** Successful operations by name, for the change-log tally. */
  readonly succeeded = new Map<string, number>();
  /** The observer's `changes` subscription (from seq 0) and `documentUpdates` replica, kept open for the whole run. */
  readonly feed: { seq: number; kind: string }[] = [];
  readonly watcher = new Y.Doc();
  watcherSeq = 0;
  private streamFailure: string | null = null;
  private readonly unsubscribes: (() => void)[] = [];
  private readonly clients: Record<Actor, GraphQLTestClient>;
  /** Which op of the run is running, for messages. */
  step = -1;

  private constructor(
    readonly server: TestServer,
    readonly cast: Cast,
    readonly elsewhere: Elsewhere,
    readonly stats: Stats,
  ) {
    this.pools = { declaration: [cast.declarationId], section: [], paragraph: [], comment: [], amendment: [], revision: [] };
    this.clients = {
      secretariat: cast.secretariat,
      coFacilitator: cast.coFacilitator,
      coFacilitator2: cast.coFacilitator2,
      delegation: cast.delegation,
      delegation2: cast.delegation2,
      stakeholder: cast.stakeholder,
      observer: cast.observer,
      outsider: elsewhere.outsider,
      anonymous: server.client(null),
      forged: server.client(`drt_${randomBytes(24).toString('hex')}`),
    };
  }

  /** A declaration with a section, three paragraphs (one empty), a comment and an amendment; the observer subscribed. */
  static async create(server: TestServer, elsewhere: Elsewhere, stats: Stats): Promise<World> {
    const cast = await createCast(server, 'Progress Declaration (fuzz)');
    const world = new World(server, cast, elsewhere, stats);
    const section = await addSection(cast.coFacilitator, cast.declarationId, 'Introduction');
    world.pools.section.push(section.id);
    let after: string | undefined;
    for (const text of ['We, the Ministers, reaffirm the Global Compact.', 'We recognize that progress remains uneven.', '']) {
      after = (await addParagraph(cast.coFacilitator, section.id, { text, afterParagraphId: after })).id;
      world.pools.paragraph.push(after);
    }
    const [first, second] = world.pools.paragraph as [string, string];
    const comment = await cast.stakeholder.ok('mutation($p: ID!) { addComment(paragraphId: $p, input: { body: "Name the gaps." }) { id } }', { p: first });
    world.pools.comment.push(comment.addComment.id);
    const amendment = await cast.delegation.ok(
      'mutation($p: ID!) { proposeAmendment(paragraphId: $p, input: { anchor: { start: 3, end: 12 }, text: "welcome", rationale: "Clearer." }) { id } }',
      { p: second },
    );
    world.pools.amendment.push(amendment.proposeAmendment.id);
    world.succeeded.set('setup SECTION_ADDED', 1).set('setup PARAGRAPH_ADDED', 3).set('setup COMMENT_ADDED', 1).set('setup AMENDMENT_PROPOSED', 1);
    world.subscribe();
    return world;
  }

  client(actor: Actor): GraphQLTestClient {
    return this.clients[actor];
  }

  /** The id a `Ref` stands for in this run. */
  resolve(kind: Kind, r: Ref): string {
    if ('raw' in r) return r.raw;
    if ('other' in r) return this.elsewhere[kind];
    const pool = this.pools[kind];
    if (pool.length === 0) return UNKNOWN_UUID;
    return spell(pool[r.own % pool.length]!, r.spelled);
  }

  resolveOptional(kind: Kind, r: Ref | null): string | null {
    return r === null ? null : this.resolve(kind, r);
  }

  /** Sends one operation as `actor`, checks the answer against the transport invariants, returns it. */
  async send<T = any>(actor: Actor, via: Via, query: string, variables: Record<string, unknown>): Promise<Result<T>> {
    this.stats.requests += 1;
    const client = this.clients[actor];
    const result = via === 'http' ? await client.query<T>(query, variables) : await this.overSocket<T>(client, query, variables);
    this.checkAnswer(`${via} ${query.slice(0, 60)}`, result);
    return result;
  }

  /** An answer with a status and a body: status < 500, and every error code one of the contract's. */
  checkAnswer(what: string, result: { status: number; errors?: { message?: string; extensions?: { code?: string } }[] }): void {
    if (result.status >= 500) this.violation(`${what} answered HTTP ${result.status}: ${JSON.stringify(result).slice(0, 2000)}`);
    for (const error of result.errors ?? []) {
      const code = error.extensions?.code;
      if (!code || !CONTRACT_CODES.has(code)) {
        this.violation(`${what} answered an error with code ${code ?? '(none)'}: ${JSON.stringify(error).slice(0, 2000)}`);
      }
    }
  }

  violation(message: string): never {
    throw new InvariantViolation(`step ${this.step}: ${message}`);
  }

  /**
   * Whether the answer succeeded, counted for the report and the change-log
   * tally. `refs` are the ids the operation named: a success that named a
   * garbage id, mixed this declaration's ids with another's, or reached
   * another declaration for anyone but the secretariat is a violation.
   */
  outcome(op: string, result: Result, actor: Actor, refs: (Ref | null)[] = []): boolean {
    const code = result.errors?.[0]?.extensions?.code;
    const ok = !result.errors?.length && result.data != null;
    this.stats.count(op, ok ? 'ok' : String(code));
    if (!ok) return false;
    const named = refs.filter((r): r is Ref => r !== null);
    const own = named.filter((r) => 'own' in r).length;
    const other = named.filter((r) => 'other' in r).length;
    if (named.some((r) => 'raw' in r)) this.violation(`${op} succeeded with an id that does not exist: ${JSON.stringify(named)}`);
    if (own > 0 && other > 0) this.violation(`${op} succeeded mixing ids of two declarations: ${JSON.stringify(named)}`);
    if (other > 0 && actor !== 'secretariat') this.violation(`${op} by ${actor} succeeded on another declaration's ${JSON.stringify(named)}`);
    if (other === 0) this.succeeded.set(op, (this.succeeded.get(op) ?? 0) + 1);
    return other === 0;
  }

  /** Pulls what the replica lacks from the server. */
  async syncReplica(index: 0 | 1): Promise<void> {
    const replica = this.replicas[index];
    const sv = toBase64(Y.encodeStateVector(replica.doc));
    const result = await this.send(replica.actor, 'http', DOCUMENT_STATE, { d: this.cast.declarationId, sv });
    if (!result.data) this.violation(`documentState for the replica failed: ${JSON.stringify(result.errors)}`);
    replica.receive(fromBase64(result.data.documentState.update));
  }

  /** Fails the run if a subscription of the observer failed or ended. */
  checkStreams(): void {
    if (this.streamFailure) this.violation(this.streamFailure);
  }

  close(): void {
    for (const unsubscribe of this.unsubscribes) unsubscribe();
    for (const replica of this.replicas) replica.doc.destroy();
    this.watcher.destroy();
    void Promise.all(Object.entries(this.clients).filter(([actor]) => actor !== 'outsider').map(([, c]) => c.close()));
  }

  /** One graphql-ws operation; an error that is not a GraphQL error list (a closed socket) is a violation. */
  private overSocket<T>(client: GraphQLTestClient, query: string, variables: Record<string, unknown>): Promise<Result<T>> {
    return new Promise((resolve, reject) => {
      let result: Result<T> | null = null;
      client.socket().subscribe<T>(
        { query, variables },
        {
          next: (value) => {
            result = { data: value.data as T, errors: value.errors as Result['errors'], status: 200 };
          },
          error: (error) => {
            if (Array.isArray(error)) resolve({ errors: error, status: 200 });
            else reject(new InvariantViolation(`step ${this.step}: the socket failed under ${query.slice(0, 60)}: ${describe(error)}`));
          },
          complete: () => {
            if (result) resolve(result);
            else reject(new InvariantViolation(`step ${this.step}: ${query.slice(0, 60)} completed over the socket without a result`));
          },
        },
      );
    });
  }

  private subscribe(): void {
    const observer = this.cast.observer.socket();
    const d = this.cast.declarationId;
    const fail = (what: string) => (why: string) => (this.streamFailure ??= `the observer's ${what} subscription ${why}`);
    this.unsubscribes.push(
      observer.subscribe<any>(
        { query: 'subscription($d: ID!) { changes(declarationId: $d, after: 0) { seq kind } }', variables: { d } },
        {
          next: (r) => (r.errors ? fail('changes')(`failed: ${JSON.stringify(r.errors)}`) : this.feed.push(r.data.changes)),
          error: (e) => fail('changes')(`failed: ${describe(e)}`),
          complete: () => fail('changes')('ended'),
        },
      ),
      observer.subscribe<any>(
        { query: 'subscription($d: ID!) { documentUpdates(declarationId: $d) { seq update } }', variables: { d } },
        {
          next: (r) => {
            if (r.errors) return fail('documentUpdates')(`failed: ${JSON.stringify(r.errors)}`);
            Y.applyUpdate(this.watcher, fromBase64(r.data.documentUpdates.update), REMOTE);
            this.watcherSeq = Math.max(this.watcherSeq, r.data.documentUpdates.seq);
          },
          error: (e) => fail('documentUpdates')(`failed: ${describe(e)}`),
          complete: () => fail('documentUpdates')('ended'),
        },
      ),
    );
  }
}

export const DOCUMENT_STATE = 'query($d: ID!, $sv: Base64) { documentState(declarationId: $d, stateVector: $sv) { seq update stateVector } }';

function describe(error: unknown): string {
  if (error && typeof error === 'object' && 'code' in error) return `close ${(error as { code: number }).code} ${(error as { reason?: string }).reason ?? ''}`;
  return error instanceof Error ? error.message : JSON.stringify(error);
}
