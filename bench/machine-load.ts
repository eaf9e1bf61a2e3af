/**
 * How busy other programs keep the CPUs while a bench runs, from Linux's /proc: on a shared 2-core
 * machine a second math thread is only as fast as the core it is given, so a figure means little
 * without it. Elsewhere (no /proc) every reading is `undefined` and nothing waits.
 */
import { existsSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

export interface CpuReading {
  /** Jiffies every CPU spent busy, and in all, since boot. */
  busy: number;
  total: number;
  /** Jiffies this process (all its threads) and the children it has reaped (llama-bench) used. */
  own: number;
}

const hasProc = existsSync('/proc/stat') && existsSync('/proc/self/stat');

export function readCpu(): CpuReading | undefined {
  if (!hasProc) return undefined;
  const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
  // user nice system idle iowait irq softirq steal (guest time is already counted in user)
  const [user, nice, system, idle, iowait, irq, softirq, steal] = fields.map(Number) as number[];
  const total = user! + nice! + system! + idle! + iowait! + irq! + softirq! + (steal ?? 0);
  // The command name, in parentheses, may hold spaces: count fields after it. utime is field 14.
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const after = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
  const [utime, stime, cutime, cstime] = after.slice(11, 15) as number[];
  return { busy: total - idle! - iowait!, total, own: utime! + stime! + cutime! + cstime! };
}

/** The share of all CPU time between two readings that other programs used (0–1). */
export function othersShare(from: CpuReading | undefined, to: CpuReading | undefined): number | undefined {
  if (!from || !to || to.total === from.total) return undefined;
  return Math.max(0, to.busy - from.busy - (to.own - from.own)) / (to.total - from.total);
}

/**
 * Waits until other programs used less than `maxShare` of the CPUs over the last second, for at most
 * `timeoutMs`; says whether it got there. Call it while this process is idle.
 */
export async function waitForQuiet(maxShare: number, timeoutMs: number): Promise<boolean> {
  if (!hasProc) return true;
  const deadline = Date.now() + timeoutMs;
  let before = readCpu();
  for (;;) {
    await sleep(1000);
    const now = readCpu();
    if ((othersShare(before, now) ?? 0) < maxShare) return true;
    if (Date.now() >= deadline) return false;
    before = now;
  }
}
