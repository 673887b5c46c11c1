/**
 * Adoption at the deadline without anyone acting: every instance polls for
 * declarations whose silence deadline has passed and locks each, which
 * adopts it (see `settleDeadline`). Locking is what makes two instances, or
 * a poll racing a mutation, agree: the first to lock adopts, the others find
 * it adopted. Reads settle the declarations they load too (`settleIfDue`),
 * so nobody reads a stale SILENCE_PROCEDURE after the deadline.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Declaration } from '../db/entities/index.js';
import type { Services } from '../services.js';
import { runCommand } from './command.js';
import { deadlinePassed } from './silence.js';

/** Adopts `declarationId` if its deadline has passed (its own transaction). */
export async function settle(services: Services, declarationId: string): Promise<void> {
  await runCommand(services.orm.em.fork(), services, null, async (command) => {
    await command.lockDeclaration(declarationId);
  });
}

/**
 * Settles the loaded declarations whose deadline has passed, and returns
 * them as they are now (re-read after adoption).
 */
export async function settleIfDue(services: Services, em: EntityManager, declarations: Declaration[]): Promise<Declaration[]> {
  const due = declarations.filter((d) => deadlinePassed(d));
  if (due.length === 0) return declarations;
  for (const d of due) await settle(services, d.id);
  for (const d of due) await em.refresh(d);
  return declarations;
}

export class DeadlineWatcher {
  private timer: NodeJS.Timeout | null = null;
  private running = false;

  constructor(
    private readonly services: () => Services,
    private readonly intervalMs = 1_000,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => void this.tick(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    const services = this.services();
    try {
      const rows = await services.orm.em
        .fork()
        .execute<{ id: string }[]>(`select id from declaration where status = 'SILENCE_PROCEDURE' and silence_deadline <= now()`);
      for (const row of rows) await settle(services, row.id);
    } catch (error) {
      services.log.warn({ err: error }, 'deadline check failed');
    } finally {
      this.running = false;
    }
  }
}
