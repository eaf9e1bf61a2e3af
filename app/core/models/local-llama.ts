/**
 * A GGUF language model run by node-llama-cpp in its own worker thread (app/workers/llm/worker.ts):
 * token streaming, tool calls, JSON-schema output, cancellation, several chats at once (each reusing what
 * its sequence evaluated before), and a fresh worker that reloads the model after a crash — behind the
 * same ChatModel interface as a remote server.
 */
import path from 'node:path';
import { z } from 'zod';
import { HearthError } from '../../../schemas/index.js';
import type { LocalModelSource } from './library.js';
import { readGgufSummary } from './gguf-info.js';
import { resolveLlmThreads } from './threads.js';
import { checkChatRequest, normalizeJsonSchema, toolChoiceOf, type CallOptions, type ChatEvent, type ChatModel, type ChatRequest } from './types.js';
import { WorkerHost } from '../threads/index.js';
import { LlmActivity, LlmChatEvent, LlmChatResult, LlmInfo, llmWorkerName, type LlmChatParams, type LlmLoadParams } from './llm-contract.js';


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
  /** Reuse each sequence's evaluated prompt for requests that start the same way. Default true. */
  reusePrefix?: boolean;
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
      // The default depends on the model's size, read from its header (threads.ts says why).
      threads: resolveLlmThreads({
        requested: options.threads,
        configured: source.threads,
        parameters: (await readGgufSummary(source.absolutePath)).parameters,
      }),
      ...(contextSize ? { contextSize } : {}),
      ...(options.sequences ? { sequences: options.sequences } : {}),
      ...(options.streamIntervalMs !== undefined ? { streamIntervalMs: options.streamIntervalMs } : {}),
      ...(options.reusePrefix !== undefined ? { reusePrefix: options.reusePrefix } : {}),
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
    checkChatRequest(request);
    const started = performance.now();
    // Our own controller, so a consumer that stops reading also stops the decoding.
    const controller = new AbortController();
    const onAbort = () => controller.abort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.signal?.aborted) controller.abort();

    const events: ChatEvent[] = [];
    const state: { wake?: () => void; outcome?: { result: unknown } | { error: unknown } } = {};
    const call = this.host
      .call('chat', toChatParams(request), {
        signal: controller.signal,
        onEvent: (raw) => {
          const event = LlmChatEvent.safeParse(raw);
          if (!event.success) events.push({ type: 'warning', message: `The ${llmWorkerName} worker sent an event Hearth cannot read: ${event.error.message}` });
          else if (event.data.type !== 'text' || event.data.text) events.push(event.data);
          state.wake?.();
        },
      })
      .then(
        (result) => (state.outcome = { result }),
        (error: unknown) => (state.outcome = { error }),
      )
      .finally(() => state.wake?.());
    try {
      while (!state.outcome || events.length > 0) {
        if (events.length > 0) {
          yield events.shift()!;
          continue;
        }
        await new Promise<void>((resolve) => (state.wake = resolve));
        state.wake = undefined;
      }
      const outcome = state.outcome;
      if ('error' in outcome) {
        // Cancelled before the worker saw the request: nothing was decoded.
        if (controller.signal.aborted && outcome.error instanceof HearthError && outcome.error.code === 'CANCELLED') {
          const usage = { promptTokens: 0, completionTokens: 0, timeToFirstTokenMs: performance.now() - started, cachedPromptTokens: 0 };
          yield { type: 'finish', reason: 'cancelled', usage };
          return;
        }
        throw outcome.error;
      }
      const result = parseWorkerResult(LlmChatResult, outcome.result, 'chat');
      yield { type: 'finish', reason: result.finishReason, usage: result.usage };
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
      if (!state.outcome) {
        // The consumer stopped reading: stop the decoding, and hold the loop's exit until the worker has
        // let go of the sequence, so the next request finds it free.
        controller.abort();
        await call;
      }
    }
  }

  /** Chats decoding and waiting in the worker now: queue depth, and whether work was let go. */
  async activity(): Promise<LlmActivity> {
    return parseWorkerResult(LlmActivity, await this.host.call('activity', {}), 'activity');
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

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
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
    messages: request.messages.map((message) => {
      if (message.role === 'tool') return { role: 'tool', toolCallId: message.toolCallId, toolName: message.toolName, content: message.content };
      if (message.role === 'assistant') {
        const toolCalls = message.toolCalls?.map(({ id, name, input }) => ({ id, name, input }));
        return { role: 'assistant', content: message.content, ...(toolCalls?.length ? { toolCalls } : {}) };
      }
      return { role: message.role, content: message.content };
    }),
    toolChoice: toolChoiceOf(request),
    ...(request.tools?.length
      ? {
          tools: request.tools.map((tool) => ({
            name: tool.name,
            ...(tool.description ? { description: tool.description } : {}),
            inputSchema: normalizeJsonSchema(tool.inputSchema),
          })),
        }
      : {}),
    ...(request.responseFormat ? { responseFormat: { schema: normalizeJsonSchema(request.responseFormat.schema) } } : {}),
    ...(request.maxTokens !== undefined ? { maxTokens: request.maxTokens } : {}),
    ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
    ...(request.seed !== undefined ? { seed: request.seed } : {}),
    ...(request.stop?.length ? { stop: request.stop } : {}),
  };
}

function parseWorkerResult<T>(schema: z.ZodType<T>, raw: unknown, method: string): T {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new HearthError('INTERNAL', `The ${llmWorkerName} worker answered ${method} with an unexpected shape: ${parsed.error.message}`);
  return parsed.data;
}
