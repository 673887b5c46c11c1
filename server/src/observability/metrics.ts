/**
 * The metrics an operator scrapes at `GET /metrics` (Prometheus text format).
 *
 * Every app has a `Registry` of its own (tests run several apps in one
 * process, and prom-client's global default registry would mix them up);
 * the process's default metrics (CPU, memory, event-loop lag, GC) belong to
 * the process, so they live in one registry per process and are served
 * after the app's own.
 *
 * What each metric is for:
 *  - draftroom_websocket_connections: open WebSocket connections now.
 *  - draftroom_subscriptions{field}: active subscriptions by field
 *    (documentUpdates, changes, presence).
 *  - draftroom_updates_acknowledged_total: Yjs updates acknowledged (committed).
 *  - draftroom_update_ack_seconds: from an applyUpdate reaching the group
 *    commit to its acknowledgement (queueing + one commit). Rising: the
 *    database is slow, or one declaration takes more than it can commit.
 *  - draftroom_group_commit_batch_updates: updates per group commit. Near 1
 *    under load means commits are not being shared.
 *  - draftroom_compaction_runs_total, draftroom_compaction_folded_updates_total,
 *    draftroom_compaction_folded_bytes_total: update-log compaction.
 *  - draftroom_change_feed_lag_seconds: for each live change event handed
 *    to a `changes` subscriber, the seconds since it was written. Replays of
 *    old events (a subscriber reconnecting with `after`) are not counted.
 *    Rising: fan-out cannot keep up (too many observers per instance), or
 *    notifications between instances are late (PostgreSQL).
 *  - draftroom_operations_rejected_total{code}: errors answered, by code
 *    (UNAUTHENTICATED, FORBIDDEN, BAD_USER_INPUT, NOT_FOUND, CONFLICT,
 *    UNAVAILABLE, INTERNAL_SERVER_ERROR). INTERNAL_SERVER_ERROR is a bug;
 *    UNAVAILABLE, the database or a restart.
 *  - draftroom_http_requests_total{route,status}: HTTP requests answered.
 *  - draftroom_database_up: 1 when the last readiness probe reached
 *    PostgreSQL, 0 when it did not.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { ErrorCode } from '../errors.js';

let processRegistry: Registry | null = null;

/** The process's default metrics, collected once per process however many apps run in it. */
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

export const REJECTION_CODES = [...Object.values(ErrorCode), 'INTERNAL_SERVER_ERROR'];

export class Metrics {
  readonly registry = new Registry();

  readonly webSocketConnections = new Gauge({
    name: 'draftroom_websocket_connections',
    help: 'Open WebSocket connections.',
    registers: [this.registry],
  });

  readonly subscriptions = new Gauge({
    name: 'draftroom_subscriptions',
    help: 'Active subscriptions, by subscription field.',
    labelNames: ['field'] as const,
    registers: [this.registry],
  });

  readonly updatesAcknowledged = new Counter({
    name: 'draftroom_updates_acknowledged_total',
    help: 'Yjs updates acknowledged: committed to PostgreSQL and answered with a seq.',
    registers: [this.registry],
  });

  readonly ackLatency = new Histogram({
    name: 'draftroom_update_ack_seconds',
    help: 'Seconds from an applyUpdate reaching the group commit to its acknowledgement.',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly batchSize = new Histogram({
    name: 'draftroom_group_commit_batch_updates',
    help: 'Updates committed together in one group-commit transaction.',
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512],
    registers: [this.registry],
  });

  readonly compactionRuns = new Counter({
    name: 'draftroom_compaction_runs_total',
    help: 'Compactions that folded part of an update log into its snapshot.',
    registers: [this.registry],
  });

  readonly compactionFoldedUpdates = new Counter({
    name: 'draftroom_compaction_folded_updates_total',
    help: 'Update-log rows folded into snapshots (and deleted).',
    registers: [this.registry],
  });

  readonly compactionFoldedBytes = new Counter({
    name: 'draftroom_compaction_folded_bytes_total',
    help: 'Bytes of update-log rows folded into snapshots.',
    registers: [this.registry],
  });

  readonly feedLag = new Histogram({
    name: 'draftroom_change_feed_lag_seconds',
    help: 'Seconds from a change event being written to its hand-off to a live changes subscriber.',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  readonly rejected = new Counter({
    name: 'draftroom_operations_rejected_total',
    help: 'Errors answered to clients, by code.',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });

  readonly httpRequests = new Counter({
    name: 'draftroom_http_requests_total',
    help: 'HTTP requests answered, by route and status.',
    labelNames: ['route', 'status'] as const,
    registers: [this.registry],
  });

  readonly databaseUp = new Gauge({
    name: 'draftroom_database_up',
    help: '1 when the last readiness probe reached PostgreSQL, 0 when it did not.',
    registers: [this.registry],
  });

  constructor() {
    // Every code is present from the start (at 0), so a rate over a fresh instance is defined.
    for (const code of REJECTION_CODES) this.rejected.inc({ code }, 0);
    for (const field of ['documentUpdates', 'changes', 'presence']) this.subscriptions.set({ field }, 0);
  }

  /** One rejected operation with `code`. */
  reject(code: string): void {
    this.rejected.inc({ code });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The text served at /metrics: this app's metrics, then the process's. */
  async render(): Promise<string> {
    const [own, process] = await Promise.all([this.registry.metrics(), processMetrics().metrics()]);
    return `${own}\n${process}`;
  }
}
