/**
 * A draftroom instance: database, services and HTTP server, started and
 * stopped as one. `main.ts` runs one for `npm start`; tests run several,
 * also two on one database to play two instances.
 *
 * `stop()` is the graceful shutdown of runtime/shutdown.ts: drain, commit
 * what is queued, close the WebSockets with 1012, release, within
 * `shutdownTimeoutMs`.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import { ensureBootstrapSecretariat } from './auth/bootstrap.js';
import { closeRevokedSockets, LiveConnections } from './auth/liveConnections.js';
import { Compactor, DEFAULT_COMPACTION, type CompactionOptions } from './collab/compactor.js';
import { DocumentHub } from './collab/documentHub.js';
import { EditCoalescer } from './collab/editCoalescer.js';
import { NewsListener, NOTIFY_CHANNEL, presenceNews } from './collab/instanceNews.js';
import { PresenceHub, presenceFromJson, presenceToJson, type PresenceItem } from './collab/presence.js';
import { UpdateCommitter } from './collab/updateCommitter.js';
import type { Limits } from './config.js';
import { openDatabase } from './db/orm.js';
import { DeadlineWatcher } from './drafting/deadlines.js';
import { paragraphEditWriter } from './drafting/paragraphEdits.js';
import type { CommandRunner } from './drafting/runCommand.js';
import { ChangeFeed } from './feed/changeFeed.js';
import { Serving } from './runtime/serving.js';
import { DatabaseProbe } from './runtime/readiness.js';
import { shutDownGracefully, type ShutdownReport } from './runtime/shutdown.js';
import type { Logger } from './logger.js';
import { Metrics } from './observability/metrics.js';
import { startHttpServer } from './server.js';
import type { Services } from './services.js';

export interface AppOptions {
  databaseUrl: string;
  port: number;
  host: string;
  limits: Limits;
  log: Logger;
  bootstrapToken: string | null;
  introspection: boolean;
  exposeErrorDetails: boolean;
  /** Origins answered with CORS headers (`*`: any); none by default. */
  corsOrigins?: string[];
  /** Proxies whose X-Forwarded-For names the client (DRAFTROOM_TRUSTED_PROXIES); none by default. */
  trustedProxies?: string[];
  /** The self-contained explorer page for browsers at /graphql (DRAFTROOM_EXPLORER); off by default. */
  explorer?: boolean;
  /** WebSocket keepalive (ms): ping interval and pong timeout; default 30 000 (tests shorten it). */
  keepAliveMs?: number;
  compaction?: Partial<CompactionOptions> & { intervalMs?: number };
  /** PARAGRAPH_EDITED coalescing: quiet period and longest wait (ms). */
  editQuietMs?: number;
  editMaxMs?: number;
  /** Counts SQL statements (tests, metrics). */
  onQuery?: (sql: string) => void;
  /** Longest graceful shutdown (ms); default 10 000 (DRAFTROOM_SHUTDOWN_TIMEOUT_MS). */
  shutdownTimeoutMs?: number;
}

export interface App {
  url: string;
  port: number;
  services: Services;
  orm: MikroORM;
  /** Graceful shutdown; resolves when everything is released (twice: the same shutdown). */
  stop(): Promise<void>;
  /** What the last `stop()` did (null before). */
  readonly shutdown: ShutdownReport | null;
}

export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;

export async function startApp(options: AppOptions): Promise<App> {
  const { log } = options;
  const orm = await openDatabase({ databaseUrl: options.databaseUrl, onQuery: options.onQuery, log });
  const stops: (() => Promise<void> | void)[] = [() => orm.close()];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop();
  };
  try {
    if (options.bootstrapToken) await ensureBootstrapSecretariat(orm.em.fork(), options.bootstrapToken);
    const metrics = new Metrics();
    const serving = new Serving(metrics);
    const databaseProbe = new DatabaseProbe(orm, (reachable) => metrics.databaseUp.set(reachable ? 1 : 0));
    const hub = new DocumentHub(orm);
    const feed = new ChangeFeed(orm, metrics);
    const connections = new LiveConnections(options.limits.connectionsPerToken);
    // What commands run with (drafting/command.ts): the few parts they use, not `services`.
    const commands: CommandRunner = { limits: options.limits, hub, feed, connections, log };
    const coalescer = new EditCoalescer(
      { fork: () => orm.em.fork(), log, writeEdits: paragraphEditWriter(orm.em, commands) },
      options.editQuietMs,
      options.editMaxMs,
    );
    const committer = new UpdateCommitter(orm, hub, options.limits, log, (text) => coalescer.textCommitted(text), metrics);
    // Tells this instance's presence news apart from the same news coming back over LISTEN.
    const instanceId = randomUUID();
    const presence = new PresenceHub((item) => broadcastPresence(orm, instanceId, item, log));
    const compactor = new Compactor(orm, log, { ...DEFAULT_COMPACTION, ...options.compaction }, metrics);
    const services: Services = { orm, hub, feed, committer, coalescer, presence, compactor, limits: options.limits, log, connections, metrics, serving, databaseProbe };

    const listener = new NewsListener(
      options.databaseUrl,
      {
        onNews(news) {
          if (news.kind === 'doc') void hub.news(news.declarationId, news.seq).catch((err) => log.warn({ err }, 'catch-up failed'));
          else if (news.kind === 'feed') feed.news(news.declarationId, news.seq);
          else if (news.kind === 'revoked') connections.revoke(news.participantId);
          else receivePresence(presence, instanceId, news.json);
        },
        onReconnect() {
          // Whatever was committed while the channel was down (by any instance) is read now.
          catchUpUntilDone(() => hub.catchUpAll(), () => serving.draining, log);
          void feed.refreshAll();
          void closeRevokedSockets(orm, connections).catch((err) => log.warn({ err }, 'revocation re-check failed'));
        },
      },
      log,
    );
    await listener.start();
    stops.push(() => listener.stop());
    feed.start();
    stops.push(() => feed.stop());
    const deadlines = new DeadlineWatcher({ ...commands, orm });
    deadlines.start();
    stops.push(() => deadlines.stop());
    compactor.start(options.compaction?.intervalMs);
    stops.push(() => compactor.stop());
    const evictTimer = setInterval(() => hub.evictIdle(10 * 60_000), 60_000);
    evictTimer.unref();
    stops.push(() => clearInterval(evictTimer));
    // Events owed since a previous run (a crash between an edit and its event).
    await coalescer.sweep();

    const http = await startHttpServer(services, {
      port: options.port,
      host: options.host,
      introspection: options.introspection,
      exposeErrorDetails: options.exposeErrorDetails,
      corsOrigins: options.corsOrigins ?? [],
      trustedProxies: options.trustedProxies ?? [],
      explorer: options.explorer ?? false,
      keepAliveMs: options.keepAliveMs,
    });
    stops.push(() => http.close());
    const timeoutMs = options.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS;
    let stopping: Promise<void> | null = null;
    let report: ShutdownReport | null = null;
    return {
      url: http.url,
      port: http.port,
      services,
      orm,
      get shutdown() {
        return report;
      },
      stop() {
        stopping ??= shutDownGracefully({ serving, committer, coalescer, log, release: stopAll }, timeoutMs).then((r) => {
          report = r;
        });
        return stopping;
      },
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** Runs `task` until it succeeds (backing off up to 5 s), or until `stopped()`. */
function catchUpUntilDone(task: () => Promise<void>, stopped: () => boolean, log: Logger, attempt = 0): void {
  task().catch((err) => {
    log.warn({ err, attempt }, 'catch-up failed; will try again');
    if (stopped()) return;
    setTimeout(() => catchUpUntilDone(task, stopped, log, attempt + 1), Math.min(5_000, 100 * 2 ** attempt)).unref();
  });
}

function broadcastPresence(orm: MikroORM, instanceId: string, item: PresenceItem, log: Logger): void {
  const json = presenceToJson(item, { instance: instanceId });
  orm.em
    .fork()
    .execute('select pg_notify(?, ?)', [NOTIFY_CHANNEL, presenceNews(json)])
    .catch((err) => log.debug({ err }, 'presence broadcast failed'));
}

function receivePresence(presence: PresenceHub, instanceId: string, json: string): void {
  try {
    const { instance, ...item } = presenceFromJson(json);
    if (instance === instanceId) return;
    presence.remote(item);
  } catch {
    /* not ours */
  }
}
