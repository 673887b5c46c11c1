/**
 * `npm start`: a draftroom server for this machine.
 *
 * Without DATABASE_URL it starts an embedded PostgreSQL under DATA_DIR
 * (`.data/`), creates the `draftroom` database, migrates, seeds the demo
 * declaration when the database is empty, and prints the URL and one demo
 * token per role. SIGINT/SIGTERM stop the HTTP server, then PostgreSQL.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { startApp, type App } from './app.js';
import { newToken } from './auth/tokens.js';
import { loadConfig } from './config.js';
import { ensureDatabase, startEmbeddedPostgres, type EmbeddedDatabase } from './db/embeddedPostgres.js';
import { seedDemo, type DemoTokens } from './db/seed.js';
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
  log.info({ signal }, 'stopping');
  const force = setTimeout(() => process.exit(code || 1), 15_000);
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

process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

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
    exposeErrorDetails: process.env.NODE_ENV !== 'production',
  });
  let demo: DemoTokens | null = null;
  if (config.seedDemo) demo = await seedDemo(app.orm.em.fork(), app.services, config.dataDir);
  log.info({ url: app.url, startupMs: Date.now() - startedAt, embeddedPostgres: Boolean(embedded) }, 'draftroom is ready');
  printWelcome(app.url, bootstrap, demo);
}

/** Printed for the person at the terminal (stdout, not the log): tokens are never logged. */
function printWelcome(url: string, bootstrap: { token: string; generated: boolean }, demo: DemoTokens | null) {
  const lines = [
    '',
    `  draftroom is running at ${url}   (ready in ${Date.now() - startedAt} ms)`,
    '',
    bootstrap.generated
      ? `  Secretariat (bootstrap) token, kept in ${path.join(config.dataDir, 'bootstrap-token')}:`
      : '  Secretariat (bootstrap) token: the value of DRAFTROOM_BOOTSTRAP_TOKEN',
  ];
  if (bootstrap.generated) lines.push(`    ${bootstrap.token}`);
  if (demo) {
    lines.push('', `  Demo declaration "${demo.declarationTitle}" (${demo.declarationId}); one token per role:`);
    for (const t of demo.tokens) lines.push(`    ${t.role.padEnd(15)} ${t.name.padEnd(38)} ${t.token}`);
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
