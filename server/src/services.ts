/** The long-lived parts of a running server that commands and resolvers use. */
import type { MikroORM } from '@mikro-orm/postgresql';
import type { LiveConnections } from './auth/liveConnections.js';
import type { Compactor } from './collab/compactor.js';
import type { DocumentHub } from './collab/documentHub.js';
import type { EditCoalescer } from './collab/editCoalescer.js';
import type { PresenceHub } from './collab/presence.js';
import type { UpdateCommitter } from './collab/updateCommitter.js';
import type { Limits } from './config.js';
import type { ChangeFeed } from './feed/changeFeed.js';
import type { Serving } from './runtime/serving.js';
import type { DatabaseProbe } from './runtime/readiness.js';
import type { Logger } from './logger.js';
import type { Metrics } from './observability/metrics.js';

export interface Services {
  orm: MikroORM;
  hub: DocumentHub;
  feed: ChangeFeed;
  committer: UpdateCommitter;
  coalescer: EditCoalescer;
  presence: PresenceHub;
  compactor: Compactor;
  limits: Limits;
  log: Logger;
  /** This app's Prometheus metrics (a registry of its own). */
  metrics: Metrics;
  /** Serving or draining (graceful shutdown). */
  serving: Serving;
  /** Whether PostgreSQL answers (/readyz). */
  databaseProbe: DatabaseProbe;
  /** This instance's open WebSockets, by caller and participant (connection limit, revocation). */
  connections: LiveConnections;
}
