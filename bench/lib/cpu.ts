/**
 * CPU use over a measured window, to tell which side of a benchmark is
 * saturated and whether other processes were competing: this process (% of
 * one core), the embedded PostgreSQL (its postmaster and backends, % of one
 * core) and the whole machine (% of all cores), from /proc where there is
 * one (NaN elsewhere).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';

export interface CpuUse {
  /** This process, in % of one core. */
  processPct: number;
  /** Every process on the machine, in % of all cores. */
  machinePct: number;
  /** The benchmark's PostgreSQL (postmaster and its children), in % of one core; NaN when unknown. */
  postgresPct: number;
}

export const cores = () => os.cpus().length;

let clockTicks: number | null = null;
function ticksPerSecond(): number {
  if (clockTicks === null) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

function machineTicks(): { busy: number; total: number } | null {
  try {
    const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    const fields = line.trim().split(/\s+/).slice(1, 9).map(Number);
    const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
    const total = fields.reduce((a, b) => a + b, 0);
    return { busy: total - idle, total };
  } catch {
    return null;
  }
}

/** utime + stime (clock ticks) of `pid` and its direct children: PostgreSQL forks every backend from the postmaster. */
function treeTicks(pid: number): number | null {
  try {
    let sum = 0;
    for (const entry of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      let stat: string;
      try {
        stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      } catch {
        continue; // gone meanwhile
      }
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // fields[0] is the state (3rd field of stat): ppid is fields[1], utime fields[11], stime fields[12].
      if (Number(entry) === pid || Number(fields[1]) === pid) sum += Number(fields[11]) + Number(fields[12]);
    }
    return sum;
  } catch {
    return null;
  }
}

export class CpuMeter {
  private wall = 0;
  private usage: NodeJS.CpuUsage | null = null;
  private machine: { busy: number; total: number } | null = null;
  private postgres: number | null = null;

  /** `postgresPid`: the postmaster to account for (null: not metered). */
  constructor(private readonly postgresPid: number | null = null) {}

  start(): void {
    this.wall = performance.now();
    this.usage = process.cpuUsage();
    this.machine = machineTicks();
    this.postgres = this.postgresPid ? treeTicks(this.postgresPid) : null;
  }

  get started(): boolean {
    return this.usage !== null;
  }

  stop(): CpuUse {
    if (!this.usage) return { processPct: Number.NaN, machinePct: Number.NaN, postgresPct: Number.NaN };
    const elapsedMs = performance.now() - this.wall;
    const used = process.cpuUsage(this.usage);
    const machine = machineTicks();
    const postgres = this.postgresPid && this.postgres !== null ? treeTicks(this.postgresPid) : null;
    const machinePct =
      this.machine && machine && machine.total > this.machine.total
        ? (100 * (machine.busy - this.machine.busy)) / (machine.total - this.machine.total)
        : Number.NaN;
    const postgresPct =
      postgres !== null && this.postgres !== null ? (100 * ((postgres - this.postgres) / ticksPerSecond())) / (elapsedMs / 1000) : Number.NaN;
    this.usage = null;
    return { processPct: (100 * (used.user + used.system)) / 1000 / Math.max(1, elapsedMs), machinePct, postgresPct };
  }
}

/** How busy the whole machine is over `durationMs` (% of all cores; NaN without /proc/stat). */
export async function machineBusy(durationMs: number): Promise<number> {
  const before = machineTicks();
  await new Promise((resolve) => setTimeout(resolve, durationMs));
  const after = machineTicks();
  if (!before || !after || after.total <= before.total) return Number.NaN;
  return (100 * (after.busy - before.busy)) / (after.total - before.total);
}

/**
 * Waits (at most `maxWaitMs`) until the machine has been under `thresholdPct`
 * busy for three one-second readings in a row. Returns the last reading.
 */
export async function waitUntilQuiet(maxWaitMs: number, thresholdPct: number): Promise<{ busyPct: number; waitedMs: number }> {
  const start = performance.now();
  let quiet = 0;
  let busyPct = Number.NaN;
  for (let reading = 0; reading < 3_600; reading++) {
    busyPct = await machineBusy(1_000);
    if (!Number.isFinite(busyPct)) break;
    quiet = busyPct < thresholdPct ? quiet + 1 : 0;
    if (quiet >= 3 || performance.now() - start >= maxWaitMs) break;
  }
  return { busyPct, waitedMs: performance.now() - start };
}
