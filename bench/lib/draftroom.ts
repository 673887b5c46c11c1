/**
 * A draftroom server in this process (`startApp`, as `npm start` and the
 * tests run it) on 127.0.0.1 and a free port, plus the setup calls the
 * scenarios make through the public API over HTTP, the way the secretariat
 * and the co-facilitators would.
 */
import { randomBytes } from 'node:crypto';
import { startApp, type App } from '../../server/src/app.js';
import { DEFAULT_LIMITS, type Limits } from '../../server/src/config.js';
import { createLogger } from '../../server/src/logger.js';
import { pool } from './stats.js';

export interface DraftroomServer {
  app: App;
  url: string;
  wsUrl: string;
  databaseUrl: string;
  bootstrapToken: string;
  /** SQL statements the server has sent since it started. */
  readonly statements: number;
  stop(): Promise<void>;
}

/** Automatic compaction out of the way: the scenarios that need it call the compactor themselves. */
export const NO_AUTO_COMPACTION = {
  maxUpdates: Number.MAX_SAFE_INTEGER,
  maxBytes: Number.MAX_SAFE_INTEGER,
  intervalMs: 2_000_000_000,
};

export async function startDraftroom(
  databaseUrl: string,
  options: { limits?: Partial<Limits>; bootstrapToken?: string; autoCompaction?: boolean } = {},
): Promise<DraftroomServer> {
  const bootstrapToken = options.bootstrapToken ?? `bench-bootstrap-${randomBytes(12).toString('hex')}`;
  let statements = 0;
  const app = await startApp({
    databaseUrl,
    port: 0,
    host: '127.0.0.1',
    limits: { ...DEFAULT_LIMITS, ...options.limits },
    log: createLogger(process.env.BENCH_LOG_LEVEL ?? 'silent'),
    bootstrapToken,
    introspection: true,
    exposeErrorDetails: true,
    compaction: options.autoCompaction === false ? NO_AUTO_COMPACTION : undefined,
    onQuery: () => {
      statements += 1;
    },
  });
  return {
    app,
    url: `http://127.0.0.1:${app.port}/graphql`,
    wsUrl: `ws://127.0.0.1:${app.port}/graphql`,
    databaseUrl,
    bootstrapToken,
    get statements() {
      return statements;
    },
    stop: () => app.stop(),
  };
}

/** GraphQL over HTTP with a bearer token; throws on any error. */
export async function gql<T = any>(url: string, token: string, query: string, variables?: Record<string, unknown>): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(60_000),
  });
  const body = (await response.json()) as { data?: T; errors?: { message: string }[] };
  if (body.errors?.length || !body.data) throw new Error(`GraphQL error: ${JSON.stringify(body.errors ?? body)}`);
  return body.data;
}

export interface Participant {
  id: string;
  token: string;
}

export interface Stage {
  declarationId: string;
  sectionId: string;
  coFacilitators: Participant[];
  observers: Participant[];
  delegations: Participant[];
  stakeholders: Participant[];
  /** One empty OPEN paragraph per entry of `paragraphs` (ids in order). */
  paragraphIds: string[];
}

/**
 * A declaration with `coFacilitators` co-facilitators, `observers` observers
 * and `paragraphs` empty paragraphs in one section, made through the API.
 */
export async function stage(
  server: Pick<DraftroomServer, 'url' | 'bootstrapToken'>,
  counts: { coFacilitators: number; observers: number; paragraphs: number; delegations?: number; stakeholders?: number },
): Promise<Stage> {
  const admin = (query: string, variables?: Record<string, unknown>) => gql(server.url, server.bootstrapToken, query, variables);
  const { createDeclaration } = await admin('mutation { createDeclaration(input: { title: "Benchmark declaration", forum: "IMRF" }) { id } }');
  const declarationId = createDeclaration.id as string;
  const invite = async (role: string, name: string, delegation?: string): Promise<Participant> => {
    const data = await admin(
      'mutation($d: ID!, $i: InviteParticipantInput!) { inviteParticipant(declarationId: $d, input: $i) { token participant { id } } }',
      { d: declarationId, i: { name, role, delegation } },
    );
    return { id: data.inviteParticipant.participant.id, token: data.inviteParticipant.token };
  };
  const coFacilitators = await pool(
    Array.from({ length: Math.max(1, counts.coFacilitators) }, (_, i) => i),
    8,
    (i) => invite('CO_FACILITATOR', `Co-facilitator ${i + 1}`),
  );
  const observers = await pool(
    Array.from({ length: counts.observers }, (_, i) => i),
    8,
    (i) => invite('OBSERVER', `Observer ${i + 1}`),
  );
  const delegations = await pool(
    Array.from({ length: counts.delegations ?? 0 }, (_, i) => i),
    8,
    (i) => invite('DELEGATION', `Delegation ${i + 1}`, `Member State ${i + 1}`),
  );
  const stakeholders = await pool(
    Array.from({ length: counts.stakeholders ?? 0 }, (_, i) => i),
    8,
    (i) => invite('STAKEHOLDER', `Stakeholder ${i + 1}`, `Organisation ${i + 1}`),
  );
  const pen = coFacilitators[0]!.token;
  const { addSection } = await gql(server.url, pen, 'mutation($d: ID!) { addSection(declarationId: $d, input: { title: "Benchmark" }) { id } }', {
    d: declarationId,
  });
  const sectionId = addSection.id as string;
  const paragraphIds: string[] = [];
  for (let i = 0; i < counts.paragraphs; i++) {
    const { addParagraph } = await gql(
      server.url,
      pen,
      'mutation($s: ID!, $i: AddParagraphInput!) { addParagraph(sectionId: $s, input: $i) { id } }',
      { s: sectionId, i: { afterParagraphId: paragraphIds.at(-1) ?? null } },
    );
    paragraphIds.push(addParagraph.id);
  }
  return { declarationId, sectionId, coFacilitators, observers, delegations, stakeholders, paragraphIds };
}

/** The declaration's last change-feed seq (to subscribe to `changes` from there, not replay the whole log). */
export async function lastChangeSeq(url: string, token: string, declarationId: string): Promise<number> {
  let after = 0;
  for (let page = 0; page < 10_000; page++) {
    const { changeLog } = await gql<{ changeLog: { seq: number }[] }>(
      url,
      token,
      'query($d: ID!, $a: Int) { changeLog(declarationId: $d, after: $a, first: 1000) { seq } }',
      { d: declarationId, a: after },
    );
    if (changeLog.length === 0) return after;
    after = changeLog.at(-1)!.seq;
  }
  return after;
}
