/**
 * A GGUF language model run by node-llama-cpp in its own worker thread (app/workers/llm/worker.ts):
 * token streaming, cancellation, JSON-schema output, several chats at once, and a fresh worker that
 * reloads the model after a crash — behind the same ChatModel interface as a remote server.
 */
import path from 'node:path';
import { z } from 'zod';
import { HearthError } from '../../../schemas/index.js';
import type { LocalModelSource } from './library.js';
import { resolveLlmThreads } from './threads.js';
import type { CallOptions, ChatEvent, ChatModel, ChatRequest, FinishReason, TokenUsage } from './types.js';
import { WorkerHost } from './worker-host.js';

// ---- The worker's contract (app/workers/llm/worker.ts answers these methods) ----

export const llmWorkerName = 'llm';

export const LlmLoadParams = z.object({
  /** An absolute path to the .gguf file. */
  modelPath: z.string().min(1),
  /** `auto` takes CUDA, Vulkan or Metal when one works and the CPU otherwise; a named backend must work. */
  gpu: z.enum(['auto', 'cuda', 'vulkan', 'metal', 'cpu']).default('auto'),
  /** Math threads for decoding. */
  threads: z.number().int().positive().max(1024),
  /** Tokens per sequence (one chat's prompt and reply); default: what the model was trained on, at most 4096. */
  contextSize: z.number().int().positive().max(2 ** 31).optional(),
  /** Chats decoded at once, each in its own sequence of one shared context; more wait their turn. */
  sequences: z.number().int().positive().max(64).default(4),
  /**
   * Streamed text goes to the host at most this often (ms); what comes in between is joined. Waking the
   * main thread for every token cost the worker ~4–6% of its decode speed on 2 cores; 33 ms (30 updates
   * a second) brought it level with a direct call (bench/llm.ts). 0 sends every chunk.
   */
  streamIntervalMs: z.number().int().min(0).max(1000).default(33),
});
export type LlmLoadParams = z.input<typeof LlmLoadParams>;

export const LlmChatParams = z.object({
  messages: z.array(z.object({ role: z.enum(['system', 'user', 'assistant']), content: z.string() })).min(1),
  maxTokens: z.number().int().positive().optional(),
  temperature: z.number().min(0).optional(),
  seed: z.number().int().optional(),
  jsonSchema: z.record(z.string(), z.unknown()).optional(),
  stop: z.array(z.string().min(1)).optional(),
});
export type LlmChatParams = z.infer<typeof LlmChatParams>;

/** Streamed during `chat`: the reply's next text (possibly several tokens' worth). */
export const LlmChatEvent = z.object({ type: z.literal('text'), text: z.string() });
export type LlmChatEvent = z.infer<typeof LlmChatEvent>;

export const LlmChatResult = z.object({
  finishReason: z.enum(['stop', 'length', 'cancelled']),
  usage: z.object({ promptTokens: z.number().int().nonnegative(), completionTokens: z.number().int().nonnegative() }),
});
export type LlmChatResult = z.infer<typeof LlmChatResult>;

export const LlmInfo = z.object({
  /** Where the weights run: `cpu` unless a GPU backend loaded. */
  device: z.enum(['cpu', 'cuda', 'vulkan', 'metal']),
  gpuLayers: z.number().int().nonnegative(),
  threads: z.number().int().positive(),
  contextSize: z.number().int().positive(),
  sequences: z.number().int().positive(),
  /** The chat template in use: node-llama-cpp's wrapper for the GGUF's own template. */
  chatTemplate: z.string(),
  /** What the fit check estimated the model and its context take. */
  memory: z.object({ ramBytes: z.number().nonnegative(), vramBytes: z.number().nonnegative() }),
  model: z.object({
    architecture: z.string(),
    name: z.string().optional(),
    parameters: z.number(),
    quantization: z.string(),
    contextLength: z.number().optional(),
    sizeBytes: z.number(),
  }),
});
export type LlmInfo = z.infer<typeof LlmInfo>;

// ---- The model ----

export interface LocalLlamaOptions {
  /** The model's id (e.g. its alias); default `llama:<file name>`. */
  id?: string;
  /** Tokens per chat; default the entry's `max_context`, else the model's training context up to 4096. */
  contextSize?: number;
  /** Chats decoded at once (more wait in line). Default 4. */
  sequences?: number;
  /** Math threads; default the entry's `threads`, else HEARTH_LLM_THREADS, else all cores but one. */
  threads?: number;
  /** How often streamed text crosses from the worker, in ms (see {@link LlmLoadParams}). Default 33. */
  streamIntervalMs?: number;
  /** Called when the worker dies; the next request starts a new one, which reloads the model. */
  onCrash?: (error: HearthError) => void;
  /** The worker script; found in the build output when not given. */
  workerScript?: string;
}

export class LocalLlamaChatModel implements ChatModel {
  readonly id: string;
  /** Where the weights run, as the first load found it. */
  readonly device: LlmInfo['device'];

  /** Starts the worker and loads the model there; fails with MODEL_INVALID, MODEL_TOO_LARGE… and no worker left. */
  static async load(source: LocalModelSource, options: LocalLlamaOptions = {}): Promise<LocalLlamaChatModel> {
    if (source.format !== 'gguf') {
      throw new HearthError('MODEL_INVALID', `${source.absolutePath}: the local LLM runs GGUF files (format = "gguf"), not format = "${source.format}".`, {
        path: source.absolutePath,
      });
    }
    const contextSize = options.contextSize ?? source.max_context;
    const params: LlmLoadParams = {
      modelPath: source.absolutePath,
      gpu: source.gpu ?? 'auto',
      threads: options.threads ?? resolveLlmThreads(source.threads),
      ...(contextSize ? { contextSize } : {}),
      ...(options.sequences ? { sequences: options.sequences } : {}),
      ...(options.streamIntervalMs !== undefined ? { streamIntervalMs: options.streamIntervalMs } : {}),
    };
    const host = new WorkerHost({
      name: llmWorkerName,
      init: { method: 'load', params },
      ...(options.workerScript ? { script: options.workerScript } : {}),
      ...(options.onCrash ? { onCrash: options.onCrash } : {}),
    });
    try {
      const info = parseWorkerResult(LlmInfo, await host.call('info', {}), 'info');
      return new LocalLlamaChatModel(host, info, options.id ?? `llama:${path.basename(source.absolutePath)}`);
    } catch (error) {
      await host.dispose();
      throw error;
    }
  }

  private constructor(
    private readonly host: WorkerHost,
    info: LlmInfo,
    id: string,
  ) {
    this.id = id;
    this.device = info.device;
  }

  async *chat(request: ChatRequest, options: CallOptions = {}): AsyncIterable<ChatEvent> {
    // Our own controller, so a consumer that stops reading also stops the decoding.
    const controller = new AbortController();
    const onAbort = () => controller.abort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.signal?.aborted) controller.abort();

    const texts: string[] = [];
    const state: { wake?: () => void; outcome?: { result: unknown } | { error: unknown } } = {};
    const call = this.host
      .call('chat', toChatParams(request), {
        signal: controller.signal,
        onEvent: (raw) => {
          const event = LlmChatEvent.safeParse(raw);
          if (event.success && event.data.text) texts.push(event.data.text);
          state.wake?.();
        },
      })
      .then(
        (result) => (state.outcome = { result }),
        (error: unknown) => (state.outcome = { error }),
      )
      .finally(() => state.wake?.());
    try {
      while (!state.outcome || texts.length > 0) {
        if (texts.length > 0) {
          yield { type: 'delta', text: texts.shift()! };
          continue;
        }
        await new Promise<void>((resolve) => (state.wake = resolve));
        state.wake = undefined;
      }
      const outcome = state.outcome;
      await call;
      if ('error' in outcome) {
        // Cancelled before the worker saw the request: nothing was decoded.
        if (controller.signal.aborted && outcome.error instanceof HearthError && outcome.error.code === 'CANCELLED') {
          yield done('cancelled', { promptTokens: 0, completionTokens: 0 });
          return;
        }
        throw outcome.error;
      }
      const result = parseWorkerResult(LlmChatResult, outcome.result, 'chat');
      yield done(result.finishReason, result.usage);
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
      if (!state.outcome) controller.abort();
    }
  }

  /** What runs where: device, threads, context, sequences, memory and the model's header summary. */
  async info(): Promise<LlmInfo> {
    return parseWorkerResult(LlmInfo, await this.host.call('info', {}), 'info');
  }

  /**
   * Ends the worker as a crash would: requests in flight fail with MODEL_CRASHED, the next one reloads
   * the model. Decoding is first stopped at a token boundary, because ending the thread inside a
   * llama.cpp call aborts the whole process (node-llama-cpp 3.21); a worker that does not answer within
   * a second is ended anyway.
   */
  async kill(): Promise<void> {
    if (!this.host.running) return; // already gone; a call would only start a worker to stop it
    await withTimeout(this.host.call('halt', {}), 1_000);
    await this.host.kill();
  }

  /** How many times the worker has been started (1, plus one per restart after a crash). */
  get workerStarts(): number {
    return this.host.starts;
  }

  async dispose(): Promise<void> {
    // Free the weights and context in an orderly way before the thread goes; a worker that is stuck or
    // already dead is simply ended.
    if (this.host.running) await withTimeout(this.host.call('unload', {}), 5_000);
    await this.host.dispose();
  }
}

/** Waits for a call to the worker, but no longer than `ms`; its failure is not the caller's concern. */
async function withTimeout(call: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  // The worker is gone or has no model: there is nothing left to stop.
  const settled = call.catch(() => undefined);
  await Promise.race([settled, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

function toChatParams(request: ChatRequest): LlmChatParams {
  return {
    messages: request.messages.map(({ role, content }) => ({ role, content })),
    ...(request.maxTokens !== undefined ? { maxTokens: request.maxTokens } : {}),
    ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
    ...(request.seed !== undefined ? { seed: request.seed } : {}),
    ...(request.jsonSchema ? { jsonSchema: request.jsonSchema } : {}),
    ...(request.stop?.length ? { stop: request.stop } : {}),
  };
}

function done(finishReason: FinishReason, usage: TokenUsage): ChatEvent {
  return { type: 'done', finishReason, usage };
}

function parseWorkerResult<T>(schema: z.ZodType<T>, raw: unknown, method: string): T {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new HearthError('INTERNAL', `The ${llmWorkerName} worker answered ${method} with an unexpected shape: ${parsed.error.message}`);
  return parsed.data;
}
