/**
 * Hands out a context's sequences to chats: one chat per sequence, and when all are busy the next
 * chats wait in arrival order (first come, first served) instead of failing. A waiting chat that is
 * cancelled leaves the line. Among free sequences a chat gets the one it has the most affinity with
 * (for the LLM: the most of its prompt already evaluated there), so a conversation returns to the
 * sequence that still holds its earlier turns; on a tie, the one used longest ago, so recent
 * conversations keep theirs.
 */
import { HearthError } from '../../../schemas/index.js';

interface Waiter<T> {
  resolve(item: T): void;
  reject(error: unknown): void;
  leave(): void;
}

/** How much a chat would gain from an item (e.g. prompt tokens already evaluated there); higher is better. */
export type Affinity<T> = (item: T) => number;

export class SequencePool<T> {
  /** Least recently released first. */
  private readonly free: T[];
  private readonly waiting: Waiter<T>[] = [];
  private readonly busy = new Set<T>();
  private closedWith: HearthError | undefined;

  constructor(items: readonly T[]) {
    this.free = [...items];
  }

  /** Chats waiting for a sequence. */
  get queued(): number {
    return this.waiting.length;
  }

  /** Sequences handed out and not yet released. */
  get inUse(): number {
    return this.busy.size;
  }

  acquire(signal: AbortSignal, affinity?: Affinity<T>): Promise<T> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    if (signal.aborted) return Promise.reject(cancelled());
    // Items are only ever free while nobody waits (release hands them straight to the first in line).
    const item = this.takeFree(affinity);
    if (item !== undefined) return Promise.resolve(item);
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => {
        const index = this.waiting.indexOf(waiter);
        if (index >= 0) this.waiting.splice(index, 1);
        reject(cancelled());
      };
      const waiter: Waiter<T> = {
        resolve: (item) => {
          this.busy.add(item);
          resolve(item);
        },
        reject,
        leave: () => signal.removeEventListener('abort', onAbort),
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(waiter);
    });
  }

  release(item: T): void {
    this.busy.delete(item);
    const next = this.waiting.shift();
    if (!next) {
      this.free.push(item);
      return;
    }
    // The line is first come, first served: affinity only chooses among sequences already free.
    next.leave();
    next.resolve(item);
  }

  /** Fails everyone in line (the model is being unloaded) and every later acquire. */
  close(error: HearthError): void {
    this.closedWith = error;
    for (const waiter of this.waiting.splice(0)) {
      waiter.leave();
      waiter.reject(error);
    }
  }

  private takeFree(affinity: Affinity<T> | undefined): T | undefined {
    if (this.free.length === 0) return undefined;
    let best = 0;
    if (affinity) {
      let bestScore = -Infinity;
      this.free.forEach((item, index) => {
        const score = affinity(item);
        if (score > bestScore) [best, bestScore] = [index, score];
      });
    }
    const [item] = this.free.splice(best, 1);
    this.busy.add(item!);
    return item;
  }
}

function cancelled(): HearthError {
  return new HearthError('CANCELLED', 'The chat was cancelled while it waited for a free sequence.');
}
