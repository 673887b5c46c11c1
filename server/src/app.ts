/**
 * A draftroom instance: database, services and HTTP server, started and
 * stopped as one. `main.ts` runs one for `npm start`; tests run several,
 * also two on one database to play two instances.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import { ensureBootstrapSecretariat } from './auth/bootstrap.js';
import { Compactor, DEFAULT_COMPACTION, type CompactionOptions } from './collab/compactor.js';
import { DocumentHub } from './collab/documentHub.js';
import { EditCoalescer } from './collab/editCoalescer.js';
import { NewsListener, NOTIFY_CHANNEL, presenceNews } from './collab/instanceNews.js';
import { PresenceHub, type PresenceItem } from './collab/presence.js';
import { UpdateCommitter } from './collab/updateCommitter.js';
import type { Limits } from './config.js';
import { openDatabase } from './db/orm.js';
import { DeadlineWatcher } from './drafting/deadlines.js';
import { ChangeFeed } from './feed/changeFeed.js';
import type { Logger } from './logger.js';
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
  compaction?: Partial<CompactionOptions> & { intervalMs?: number };
  /** PARAGRAPH_EDITED coalescing: quiet period and longest wait (ms). */
  editQuietMs?: number;
  editMaxMs?: number;
  /** Counts SQL statements (tests, metrics). */
  onQuery?: (sql: string) => void;
}

export interface App {
  url: string;
  port: number;
  services: Services;
  orm: MikroORM;
  stop(): Promise<void>;
}

export async function startApp(options: AppOptions): Promise<App> {
  const { log } = options;
  const orm = await openDatabase({ databaseUrl: options.databaseUrl, onQuery: options.onQuery });
  const stops: (() => Promise<void> | void)[] = [() => orm.close()];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop();
  };
  try {
    if (options.bootstrapToken) await ensureBootstrapSecretariat(orm.em.fork(), options.bootstrapToken);
    const hub = new DocumentHub(orm);
    const feed = new ChangeFeed(orm);
    const coalescer = new EditCoalescer(() => services, options.editQuietMs, options.editMaxMs);
    const committer = new UpdateCommitter(orm, hub, options.limits, log, (text) => coalescer.textCommitted(text));
    // Tells this instance's presence news apart from the same news coming back over LISTEN.
    const instanceId = randomUUID();
    const presence = new PresenceHub((item) => broadcastPresence(orm, instanceId, item, log));
    const compactor = new Compactor(orm, log, { ...DEFAULT_COMPACTION, ...options.compaction });
    const services: Services = { orm, hub, feed, committer, coalescer, presence, compactor, limits: options.limits, log };

    const listener = new NewsListener(
      options.databaseUrl,
      {
        onNews(news) {
          if (news.kind === 'doc') void hub.news(news.declarationId, news.seq).catch((err) => log.warn({ err }, 'catch-up failed'));
          else if (news.kind === 'feed') feed.news(news.declarationId, news.seq);
          else receivePresence(presence, instanceId, news.json);
        },
        onReconnect() {
          void hub.catchUpAll().catch((err) => log.warn({ err }, 'catch-up failed'));
          void feed.refreshAll();
        },
      },
      log,
    );
    await listener.start();
    stops.push(() => listener.stop());
    feed.start();
    stops.push(() => feed.stop());
    const deadlines = new DeadlineWatcher(() => services);
    deadlines.start();
    stops.push(() => deadlines.stop());
    compactor.start(options.compaction?.intervalMs);
    stops.push(() => compactor.stop());
    const evictTimer = setInterval(() => hub.evictIdle(10 * 60_000), 60_000);
    evictTimer.unref();
    stops.push(() => clearInterval(evictTimer));
    // Events owed since a previous run (a crash between an edit and its event).
    await coalescer.sweep();
    stops.push(async () => {
      await committer.drained();
      await coalescer.flushAll();
      coalescer.stop();
    });

    const http = await startHttpServer(services, {
      port: options.port,
      host: options.host,
      introspection: options.introspection,
      exposeErrorDetails: options.exposeErrorDetails,
    });
    stops.push(() => http.close());
    return { url: http.url, port: http.port, services, orm, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

function broadcastPresence(orm: MikroORM, instanceId: string, item: PresenceItem, log: Logger): void {
  const json = JSON.stringify({ ...item, cursor: item.cursor ? Buffer.from(item.cursor).toString('base64') : null, instance: instanceId });
  orm.em
    .fork()
    .execute('select pg_notify(?, ?)', [NOTIFY_CHANNEL, presenceNews(json)])
    .catch((err) => log.debug({ err }, 'presence broadcast failed'));
}

function receivePresence(presence: PresenceHub, instanceId: string, json: string): void {
  try {
    const raw = JSON.parse(json) as Omit<PresenceItem, 'cursor'> & { cursor: string | null; instance: string };
    if (raw.instance === instanceId) return;
    presence.remote({ ...raw, cursor: raw.cursor ? new Uint8Array(Buffer.from(raw.cursor, 'base64')) : null });
  } catch {
    /* not ours */
  }
}
