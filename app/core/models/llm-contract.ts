/**
 * What the main thread and the LLM worker (app/workers/llm/worker.ts) exchange: `load`, `chat` (streamed text,
 * then the finish reason and usage), `info`, `halt` and `unload`, as zod schemas both sides check.
 */
import { z } from 'zod';

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
