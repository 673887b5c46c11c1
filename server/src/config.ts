/**
 * Configuration, read once from the environment. Every knob is documented in
 * the README's "Configuration" table; defaults suit a laptop and CI.
 */

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
  limits: Limits;
  introspection: boolean;
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
    introspection: bool(env, 'DRAFTROOM_INTROSPECTION', true),
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
    },
  };
}
