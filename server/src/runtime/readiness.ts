/**
 * Readiness: can this instance do its job right now?
 *
 * Not while it drains, and not while PostgreSQL is out of reach: nothing can
 * be acknowledged then. The database is asked with `select 1` through the
 * ORM's pool (what requests use), with a short timeout, and the answer is
 * kept for `cacheMs` so that frequent probes (a load balancer, compose, an
 * orchestrator) cost at most one query per period. Probes arriving while one
 * runs share it.
 *
 * Liveness (`/healthz`) asks none of this: a process that waits for its
 * database is alive, and restarting it would not bring the database back.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Serving } from './serving.js';

export interface DatabaseCheck {
  reachable: boolean;
  /** When the answer was taken (ms since epoch). */
  checkedAt: number;
  latencyMs: number;
  /** Why it was not reachable. */
  error?: string;
}

export interface Readiness {
  ready: boolean;
  status: 'ready' | 'draining' | 'unavailable';
  database: DatabaseCheck;
}

export class DatabaseProbe {
  private last: DatabaseCheck | null = null;
  private running: Promise<DatabaseCheck> | null = null;

  constructor(
    private readonly orm: MikroORM,
    private readonly onResult: (reachable: boolean) => void = () => {},
    private readonly timeoutMs = 1_000,
    private readonly cacheMs = 1_000,
  ) {}

  /** The cached answer if fresh, else a new probe (shared by concurrent callers). */
  check(): Promise<DatabaseCheck> {
    if (this.last && Date.now() - this.last.checkedAt < this.cacheMs) return Promise.resolve(this.last);
    this.running ??= this.probe().finally(() => (this.running = null));
    return this.running;
  }

  private async probe(): Promise<DatabaseCheck> {
    const started = Date.now();
    let timer: NodeJS.Timeout | undefined;
    let result: DatabaseCheck;
    try {
      await Promise.race([
        this.orm.em.fork().execute('select 1'),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${this.timeoutMs} ms`)), this.timeoutMs);
        }),
      ]);
      result = { reachable: true, checkedAt: Date.now(), latencyMs: Date.now() - started };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      result = { reachable: false, checkedAt: Date.now(), latencyMs: Date.now() - started, error: message.split('\n')[0]! };
    } finally {
      clearTimeout(timer);
    }
    this.last = result;
    this.onResult(result.reachable);
    return result;
  }
}

/** The instance's readiness: draining first (it will not come back), then the database. */
export async function readiness(serving: Serving, probe: DatabaseProbe): Promise<Readiness> {
  const database = await probe.check();
  if (serving.draining) return { ready: false, status: 'draining', database };
  return { ready: database.reachable, status: database.reachable ? 'ready' : 'unavailable', database };
}
