/**
 * A draftroom instance: database, services and HTTP server, started and
 * stopped as one. `main.ts` runs one for `npm start`; tests run several.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import { ensureBootstrapSecretariat } from './auth/bootstrap.js';
import { DocumentHub } from './collab/documentHub.js';
import type { Limits } from './config.js';
import { openDatabase } from './db/orm.js';
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
  const orm = await openDatabase({ databaseUrl: options.databaseUrl, onQuery: options.onQuery });
  try {
    if (options.bootstrapToken) await ensureBootstrapSecretariat(orm.em.fork(), options.bootstrapToken);
    const services: Services = {
      orm,
      hub: new DocumentHub(),
      feed: new ChangeFeed(),
      limits: options.limits,
      log: options.log,
    };
    const http = await startHttpServer(services, {
      port: options.port,
      host: options.host,
      introspection: options.introspection,
      exposeErrorDetails: options.exposeErrorDetails,
    });
    return {
      url: http.url,
      port: http.port,
      services,
      orm,
      async stop() {
        await http.close();
        await orm.close();
      },
    };
  } catch (error) {
    await orm.close();
    throw error;
  }
}
