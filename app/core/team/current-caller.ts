/**
 * The caller of the work in progress, carried across awaits (AsyncLocalStorage): the dispatcher runs every
 * handler, and every step of a stream, as its caller, and jobs run as their owner, so code far below a
 * handler (the model runtime's fair queue, the audit trail) knows whom it works for without a parameter
 * threaded through every signature. Access is never decided from it: that stays the dispatcher's, on the
 * caller in the call's context.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Caller } from './caller.js';

const storage = new AsyncLocalStorage<Caller>();

/** Runs `work` with `caller` as the current caller (for everything it awaits and starts). */
export function runAsCaller<T>(caller: Caller, work: () => T): T {
  return storage.run(caller, work);
}

/** The caller the current work is done for; undefined outside any call (startup, a test calling a store). */
export function currentCaller(): Caller | undefined {
  return storage.getStore();
}
