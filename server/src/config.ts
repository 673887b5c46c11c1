/**
 * Configuration, read once from the environment. Every knob is documented in
 * the README's "Configuration" table; defaults suit a laptop and CI.
 */
import { trustProxies } from './limits/clientAddress.js';

export interface Config {
  port: number;
  host: string;
  /** null: start an embedded PostgreSQL under `dataDir`. */
  databaseUrl: string | null;
  dataDir: string;
  logLevel: string;
  bootstrapToken: string | null;
  /** Seed the demo declaration when the database is empty. */
  seedDemo: boolean;
  /** Longest graceful shutdown (ms): drain, commit, close sockets; then everything is cut. */
  shutdownTimeoutMs: number;
  limits: Limits;
  introspection: boolean;
  /** Details of internal errors in responses: on unless NODE_ENV=production (DRAFTROOM_EXPOSE_ERROR_DETAILS overrides). */
  exposeErrorDetails: boolean;
  /** Origins answered with CORS headers (`*`: any); empty: no CORS headers at all. */
  corsOrigins: string[];
  /**
   * Reverse proxies whose `X-Forwarded-For` names the client (addresses,
   * CIDRs, `loopback`, `linklocal`, `uniquelocal`); empty: none, the peer's
   * address is the client's (see limits/clientAddress.ts).
   */
  trustedProxies: string[];
  /** A browser at /graphql gets a small self-contained explorer: on unless NODE_ENV=production (DRAFTROOM_EXPLORER overrides). */
  explorer: boolean;
}

export interface Limits {
  /** Largest HTTP request body (bytes) and WebSocket message. */
  bodyBytes: number;
  /** Deepest selection set (the introspection query is exempt). */
  queryDepth: number;
  /** Most fields in one operation, fragments expanded. */
  queryFields: number;
  /** Most aliases in one operation. */
  queryAliases: number;
  titleChars: number;
  nameChars: number;
  commentChars: number;
  paragraphChars: number;
  updateBytes: number;
  originChars: number;
  /**
   * Operations per token per second, HTTP and WebSocket alike (token bucket:
   * `requestsPerSecond` refill, `requestBurst` capacity; 0 turns it off).
   * Above `updatesPerSecond` on purpose: an editor's updates are operations too.
   */
  requestsPerSecond: number;
  requestBurst: number;
  /** `applyUpdate`s per token per second (token bucket; 0 turns it off). */
  updatesPerSecond: number;
  updateBurst: number;
  /** Open WebSocket connections per token (0: unlimited). */
  connectionsPerToken: number;
  /** Active subscriptions on one WebSocket connection (0: unlimited). */
  subscriptionsPerConnection: number;
  /** Paragraphs in one declaration, DELETED ones included (0: unlimited). */
  paragraphsPerDeclaration: number;
}

export const DEFAULT_LIMITS: Limits = {
  bodyBytes: 4 * 1024 * 1024,
  queryDepth: 12,
  queryFields: 2_000,
  queryAliases: 100,
  titleChars: 500,
  nameChars: 200,
  commentChars: 20_000,
  paragraphChars: 100_000,
  updateBytes: 1024 * 1024,
  originChars: 200,
  // Never in an honest client's way (DESIGN.md "Guards and their defaults"):
  // an editor flushing an offline queue or a tool replaying a session sends
  // several hundred updates per second from one token.
  requestsPerSecond: 2_000,
  requestBurst: 4_000,
  updatesPerSecond: 1_000,
  updateBurst: 2_000,
  connectionsPerToken: 50,
  subscriptionsPerConnection: 100,
  paragraphsPerDeclaration: 2_000,
};

function int(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    throw new Error(`${name} must be a non-negative integer, got ${JSON.stringify(raw)}`);
  }
  return value;
}

function bool(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new Error(`${name} must be true or false, got ${JSON.stringify(raw)}`);
}

/** A comma-separated list ("https://a.example, https://b.example"), blanks dropped. */
function list(env: NodeJS.ProcessEnv, name: string): string[] {
  return (env[name] ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/** The trusted proxies, checked now: a typo must stop the start, not silently trust nobody (or everybody). */
function trustedProxies(env: NodeJS.ProcessEnv, name: string): string[] {
  const entries = list(env, name);
  try {
    trustProxies(entries);
  } catch (error) {
    throw new Error(`${name} must be comma-separated addresses, CIDRs, loopback, linklocal or uniquelocal: ${(error as Error).message}`);
  }
  return entries;
}

/** Reads the configuration; throws with the variable's name on a malformed value. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    port: int(env, 'PORT', 4000),
    host: env.HOST || '0.0.0.0',
    databaseUrl: env.DATABASE_URL || null,
    dataDir: env.DATA_DIR || '.data',
    logLevel: env.LOG_LEVEL || 'info',
    bootstrapToken: env.DRAFTROOM_BOOTSTRAP_TOKEN || null,
    seedDemo: bool(env, 'DRAFTROOM_SEED_DEMO', true),
    shutdownTimeoutMs: int(env, 'DRAFTROOM_SHUTDOWN_TIMEOUT_MS', 10_000),
    introspection: bool(env, 'DRAFTROOM_INTROSPECTION', true),
    exposeErrorDetails: bool(env, 'DRAFTROOM_EXPOSE_ERROR_DETAILS', env.NODE_ENV !== 'production'),
    corsOrigins: list(env, 'DRAFTROOM_CORS_ORIGINS'),
    trustedProxies: trustedProxies(env, 'DRAFTROOM_TRUSTED_PROXIES'),
    explorer: bool(env, 'DRAFTROOM_EXPLORER', env.NODE_ENV !== 'production'),
    limits: {
      bodyBytes: int(env, 'DRAFTROOM_MAX_BODY_BYTES', DEFAULT_LIMITS.bodyBytes),
      queryDepth: int(env, 'DRAFTROOM_MAX_QUERY_DEPTH', DEFAULT_LIMITS.queryDepth),
      queryFields: int(env, 'DRAFTROOM_MAX_QUERY_FIELDS', DEFAULT_LIMITS.queryFields),
      queryAliases: int(env, 'DRAFTROOM_MAX_QUERY_ALIASES', DEFAULT_LIMITS.queryAliases),
      titleChars: int(env, 'DRAFTROOM_MAX_TITLE_CHARS', DEFAULT_LIMITS.titleChars),
      nameChars: int(env, 'DRAFTROOM_MAX_NAME_CHARS', DEFAULT_LIMITS.nameChars),
      commentChars: int(env, 'DRAFTROOM_MAX_COMMENT_CHARS', DEFAULT_LIMITS.commentChars),
      paragraphChars: int(env, 'DRAFTROOM_MAX_PARAGRAPH_CHARS', DEFAULT_LIMITS.paragraphChars),
      updateBytes: int(env, 'DRAFTROOM_MAX_UPDATE_BYTES', DEFAULT_LIMITS.updateBytes),
      originChars: DEFAULT_LIMITS.originChars,
      requestsPerSecond: int(env, 'DRAFTROOM_MAX_REQUESTS_PER_SECOND', DEFAULT_LIMITS.requestsPerSecond),
      requestBurst: int(env, 'DRAFTROOM_REQUEST_BURST', DEFAULT_LIMITS.requestBurst),
      updatesPerSecond: int(env, 'DRAFTROOM_MAX_UPDATES_PER_SECOND', DEFAULT_LIMITS.updatesPerSecond),
      updateBurst: int(env, 'DRAFTROOM_UPDATE_BURST', DEFAULT_LIMITS.updateBurst),
      connectionsPerToken: int(env, 'DRAFTROOM_MAX_CONNECTIONS_PER_TOKEN', DEFAULT_LIMITS.connectionsPerToken),
      subscriptionsPerConnection: int(env, 'DRAFTROOM_MAX_SUBSCRIPTIONS_PER_CONNECTION', DEFAULT_LIMITS.subscriptionsPerConnection),
      paragraphsPerDeclaration: int(env, 'DRAFTROOM_MAX_PARAGRAPHS', DEFAULT_LIMITS.paragraphsPerDeclaration),
    },
  };
}
