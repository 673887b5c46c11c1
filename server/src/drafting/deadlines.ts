/**
 * Adoption at the deadline without anyone acting: every instance polls for
 * declarations whose silence deadline has passed and locks each, which
 * adopts it (see `settleDeadline` in silence.ts: locking a declaration
 * settles its deadline). Locking is what makes two instances, or a poll
 * racing a mutation, agree: the first to lock adopts, the others find it
 * adopted. Reads settle the declarations they load too (`settleDeadlinesBeforeRead`), so
 * nobody reads a stale SILENCE_PROCEDURE after the deadline: those reads
 * write, in a transaction of their own, as the server (SYSTEM_VIEWER).
 */
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Declaration } from '../db/entities/index.js';
import { runCommand, SYSTEM_VIEWER, type CommandRunner } from './runCommand.js';
import { deadlinePassed } from './silence.js';

/** What settling needs: the database and what commands use. */
export interface DeadlineSettler extends CommandRunner {
  orm: MikroORM;
}

/** Adopts `declarationId` if its deadline has passed (its own transaction, as the server). */
export async function settleDeadlineNow(settler: DeadlineSettler, declarationId: string): Promise<void> {
  await runCommand(settler.orm.em, settler, SYSTEM_VIEWER, async (command) => {
    await command.lockDeclaration(declarationId);
  });
}

/**
 * Settles the loaded declarations whose deadline has passed, and returns
 * them as they are now (re-read after adoption). A read that writes: each
 * adoption commits in a transaction of its own before the read goes on.
 */
export async function settleDeadlinesBeforeRead(settler: DeadlineSettler, em: EntityManager, declarations: Declaration[]): Promise<Declaration[]> {
  const due = declarations.filter((d) => deadlinePassed(d));
  if (due.length === 0) return declarations;
  for (const d of due) await settleDeadlineNow(settler, d.id);
  for (const d of due) await em.refresh(d);
  return declarations;
}

export class DeadlineWatcher {
  private timer: NodeJS.Timeout | null = null;
  private running = false;

  constructor(
    private readonly settler: DeadlineSettler,
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
    try {
      const rows = await this.settler.orm.em
        .fork()
        .execute<{ id: string }[]>(`select id from declaration where status = 'SILENCE_PROCEDURE' and silence_deadline <= now()`);
      for (const row of rows) await settleDeadlineNow(this.settler, row.id);
    } catch (error) {
      this.settler.log.warn({ err: error }, 'deadline check failed');
    } finally {
      this.running = false;
    }
  }
}
