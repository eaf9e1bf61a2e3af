/**
 * Hands out a context's sequences to chats: one chat per sequence, and when all are busy the next
 * chats wait in arrival order (first come, first served) instead of failing. A waiting chat that is
 * cancelled leaves the line.
 */
import { HearthError } from '../../../schemas/index.js';

interface Waiter<T> {
  resolve(item: T): void;
  reject(error: unknown): void;
  leave(): void;
}

export class SequencePool<T> {
  private readonly free: T[];
  private readonly waiting: Waiter<T>[] = [];
  private closedWith: HearthError | undefined;

  constructor(items: readonly T[]) {
    this.free = [...items];
  }

  /** Chats waiting for a sequence. */
  get queued(): number {
    return this.waiting.length;
  }

  acquire(signal: AbortSignal): Promise<T> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    if (signal.aborted) return Promise.reject(cancelled());
    // Items are only ever free while nobody waits (release hands them straight to the first in line).
    const item = this.free.shift();
    if (item !== undefined) return Promise.resolve(item);
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => {
        const index = this.waiting.indexOf(waiter);
        if (index >= 0) this.waiting.splice(index, 1);
        reject(cancelled());
      };
      const waiter: Waiter<T> = { resolve, reject, leave: () => signal.removeEventListener('abort', onAbort) };
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(waiter);
    });
  }

  release(item: T): void {
    const next = this.waiting.shift();
    if (!next) {
      this.free.push(item);
      return;
    }
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
}

function cancelled(): HearthError {
  return new HearthError('CANCELLED', 'The chat was cancelled while it waited for a free sequence.');
}
