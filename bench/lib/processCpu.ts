/**
 * CPU of other processes by pid (the server child, the client children), in
 * % of one core over a window, from /proc/<pid>/stat (utime + stime); NaN
 * where there is no /proc. The bench's own CpuMeter covers this process,
 * PostgreSQL and the whole machine.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

let clockTicks: number | null = null;
/** USER_HZ: the unit of /proc/<pid>/stat times. */
export function ticksPerSecond(): number {
  if (clockTicks === null) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** utime + stime of one process in clock ticks; null when it cannot be read. */
export function processTicks(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return null;
  }
}

export class PidCpuMeter {
  private startTicks = new Map<string, number | null>();
  private startWall = 0;

  /** `pids`: a label per process, e.g. { server: 1234, 'subscribers 1': 1240 }. */
  constructor(private readonly pids: Record<string, number | undefined>) {}

  start(): void {
    this.startWall = performance.now();
    this.startTicks = new Map(Object.entries(this.pids).map(([label, pid]) => [label, pid ? processTicks(pid) : null]));
  }

  get started(): boolean {
    return this.startWall > 0;
  }

  /** % of one core per label over the window since `start()`. */
  stop(): Record<string, number> {
    const seconds = (performance.now() - this.startWall) / 1000;
    const result: Record<string, number> = {};
    for (const [label, pid] of Object.entries(this.pids)) {
      const before = this.startTicks.get(label) ?? null;
      const after = pid ? processTicks(pid) : null;
      result[label] = before !== null && after !== null && seconds > 0 ? (100 * (after - before)) / ticksPerSecond() / seconds : Number.NaN;
    }
    return result;
  }
}
