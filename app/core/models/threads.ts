/**
 * How many math threads the local LLM gets. llama.cpp's threads spin while they wait for each other,
 * so one that has to share its core with the UI or the event loop stalls every token: on 2 cores, 2
 * math threads ran ~12× slower than 1. The default leaves the main thread a core.
 */
import os from 'node:os';
import { HearthError } from '../../../schemas/index.js';

/** All cores but one, and at least one. */
export function defaultLlmThreads(cores = os.availableParallelism()): number {
  return Math.max(1, cores - 1);
}

/**
 * The thread count to use: the model's own `threads` in models.toml, else `HEARTH_LLM_THREADS` (one
 * setting for every model on this machine), else {@link defaultLlmThreads}.
 */
export function resolveLlmThreads(configured?: number, env: NodeJS.ProcessEnv = process.env, cores = os.availableParallelism()): number {
  if (configured !== undefined) return configured;
  const fromEnv = env.HEARTH_LLM_THREADS?.trim();
  if (fromEnv) {
    const threads = Number(fromEnv);
    if (!Number.isInteger(threads) || threads < 1) {
      throw new HearthError('MODEL_CONFIG_INVALID', `HEARTH_LLM_THREADS=${fromEnv} is not a whole number of threads (1 or more); unset it to use ${defaultLlmThreads(cores)}.`);
    }
    return threads;
  }
  return defaultLlmThreads(cores);
}
