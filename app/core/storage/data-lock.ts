/**
 * One Hearth per data folder. Two processes on one folder (web mode in one terminal, a CLI command in another)
 * would both resume the same jobs and write the same keyword index and vector tables; the second one is refused
 * with a message saying which process holds the folder. A lock left by a process that died (a crash, kill -9)
 * is taken over.
 */
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { HearthError } from '../../../schemas/index.js';

/** Locks this process holds, counted: one process may open its own folder more than once (tests do). */
const held = new Map<string, number>();

export class DataLock {
  private released = false;

  private constructor(private readonly file: string) {}

  static acquire(dataDir: string): DataLock {
    const file = path.join(dataDir, 'hearth.lock');
    const count = held.get(file) ?? 0;
    if (count > 0) {
      held.set(file, count + 1);
      return new DataLock(file);
    }
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = openSync(file, 'wx');
        writeSync(fd, String(process.pid));
        closeSync(fd);
        held.set(file, 1);
        return new DataLock(file);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const holder = Number(readFileSync(file, 'utf8').trim());
        // Our own pid in a lock we do not hold is a dead process's whose pid came round again.
        if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isAlive(holder)) {
          throw new HearthError(
            'ALREADY_EXISTS',
            `Another Hearth (process ${holder}) is using the data folder ${dataDir}. Stop it first, or give this one another folder with --data-dir or HEARTH_DATA_DIR.`,
            { dataDir, pid: holder },
          );
        }
        // Left by a process that is gone (or unreadable): take it over.
        rmSync(file, { force: true });
      }
    }
    throw new HearthError('INTERNAL', `Could not take the lock ${file}: another process keeps taking it.`);
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    const count = held.get(this.file) ?? 0;
    if (count > 1) {
      held.set(this.file, count - 1);
      return;
    }
    held.delete(this.file);
    try {
      if (Number(readFileSync(this.file, 'utf8').trim()) === process.pid) rmSync(this.file, { force: true });
    } catch (error) {
      // Already gone (someone removed the folder): nothing is left to release.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another account, which still holds the folder.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
