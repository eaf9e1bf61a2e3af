/**
 * How many math threads the local LLM gets, from the machine's cores and the size of the model.
 *
 * Why size: node-llama-cpp gives llama.cpp no lasting thread pool, so every token's graph starts its
 * helper threads afresh and they wait for each other at every operation (llama-bench attaches one pool
 * for the whole run, and there 2 threads beat 1 at every size we tried). That cost comes per operation,
 * not per byte, so it swamps the short tokens of a small model and fades in the long tokens of a big one.
 *
 * Measured with bench/llm.ts on 2 cores (docs/benchmarks.md, "Threads by model size"), worker decode
 * tok/s at 1 → 2 threads: 24M f16 235 → 93, 101M f16 73 → 43, 296M f16 36 → 31, 296M q4_k_m 62 → 43,
 * 994M q4_k_m 24 → 28, 994M f16 10.4 → 11.8. The parameter count sorts all eight models we measured;
 * the file's size does not (296M f16 and 994M q4_k_m are both ~594 MB and fall on opposite sides).
 * Only 2 cores were measured: with more, the small side keeps all cores but one and the large side
 * takes every core, as llama.cpp itself does.
 */
import os from 'node:os';
import { HearthError } from '../../../schemas/index.js';

/** Models from this many parameters up decode faster on every core than on all but one (see above). */
export const ALL_CORES_FROM_PARAMETERS = 500e6;

export interface LlmThreadsDefaultInput {
  /** The model's weights, counted from its GGUF header (`GgufSummary.parameters`). */
  parameters: number;
  /** Logical cores; default this machine's. */
  cores?: number;
}

/** Every core for a large model; all cores but one (and at least one) for a small one. */
export function defaultLlmThreads({ parameters, cores = os.availableParallelism() }: LlmThreadsDefaultInput): number {
  if (parameters >= ALL_CORES_FROM_PARAMETERS) return Math.max(1, cores);
  return Math.max(1, cores - 1);
}

export interface LlmThreadsSettings extends LlmThreadsDefaultInput {
  /** Asked for by the caller (`LocalLlamaOptions.threads`): wins over everything. */
  requested?: number;
  /** The model's `threads` in models.toml. */
  configured?: number;
  /** Where `HEARTH_LLM_THREADS` is read; default this process's environment. */
  env?: NodeJS.ProcessEnv;
}

/**
 * The thread count to use: what the caller asked for, else the model's own `threads` in models.toml,
 * else `HEARTH_LLM_THREADS` (one setting for every model on this machine), else {@link defaultLlmThreads}.
 */
export function resolveLlmThreads({ requested, configured, env = process.env, ...model }: LlmThreadsSettings): number {
  if (requested !== undefined) return requested;
  if (configured !== undefined) return configured;
  const fromEnv = env.HEARTH_LLM_THREADS?.trim();
  if (fromEnv) {
    const threads = Number(fromEnv);
    if (!Number.isInteger(threads) || threads < 1) {
      throw new HearthError(
        'MODEL_CONFIG_INVALID',
        `HEARTH_LLM_THREADS=${fromEnv} is not a whole number of threads (1 or more); unset it to use ${defaultLlmThreads(model)} for this model.`,
      );
    }
    return threads;
  }
  return defaultLlmThreads(model);
}
