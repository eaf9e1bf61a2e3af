/**
 * What the main thread and the LLM worker (app/workers/llm/worker.ts) exchange: `load`, `chat` (streamed
 * text, tool calls and warnings, then the finish reason and usage), `info`, `activity`, `halt` and
 * `unload`, as zod schemas both sides check.
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
  /**
   * Keep each sequence's evaluated tokens between requests and give a request the free sequence that
   * shares the longest prefix with its prompt, so a conversation's next turn evaluates only what is new.
   * Off: every request starts its sequence afresh (for comparison, bench/prefix-reuse.ts).
   */
  reusePrefix: z.boolean().default(true),
});
export type LlmLoadParams = z.input<typeof LlmLoadParams>;

const JsonSchemaObject = z.record(z.string(), z.unknown());

const LlmToolCall = z.object({ id: z.string().min(1), name: z.string().min(1), input: z.unknown() });

export const LlmChatMessage = z.discriminatedUnion('role', [
  z.object({ role: z.literal('system'), content: z.string() }),
  z.object({ role: z.literal('user'), content: z.string() }),
  z.object({ role: z.literal('assistant'), content: z.string(), toolCalls: z.array(LlmToolCall).optional() }),
  z.object({ role: z.literal('tool'), toolCallId: z.string().min(1), toolName: z.string().min(1), content: z.string() }),
]);
export type LlmChatMessage = z.infer<typeof LlmChatMessage>;

export const LlmChatParams = z.object({
  messages: z.array(LlmChatMessage).min(1),
  tools: z.array(z.object({ name: z.string().min(1), description: z.string().optional(), inputSchema: JsonSchemaObject })).optional(),
  /** The choice in force (the host resolves the default): `none` offers no tools. */
  toolChoice: z.union([z.enum(['auto', 'none', 'required']), z.object({ tool: z.string().min(1) })]).default('none'),
  responseFormat: z.object({ schema: JsonSchemaObject }).optional(),
  maxTokens: z.number().int().positive().optional(),
  temperature: z.number().min(0).optional(),
  seed: z.number().int().optional(),
  stop: z.array(z.string().min(1)).optional(),
});
export type LlmChatParams = z.input<typeof LlmChatParams>;

/** Streamed during `chat`: the reply's next text (possibly several tokens' worth), a tool call, a warning. */
export const LlmChatEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text: z.string() }),
  z.object({ type: z.literal('tool-call'), id: z.string().min(1), name: z.string().min(1), input: z.unknown() }),
  z.object({ type: z.literal('warning'), message: z.string(), raw: z.string().optional() }),
]);
export type LlmChatEvent = z.infer<typeof LlmChatEvent>;

export const LlmChatResult = z.object({
  finishReason: z.enum(['stop', 'length', 'tool-calls', 'cancelled']),
  usage: z.object({
    promptTokens: z.number().int().nonnegative(),
    completionTokens: z.number().int().nonnegative(),
    /** From the worker receiving the request (its wait for a sequence included) to the first generated token. */
    timeToFirstTokenMs: z.number().nonnegative(),
    cachedPromptTokens: z.number().int().nonnegative(),
  }),
});
export type LlmChatResult = z.infer<typeof LlmChatResult>;

/** What the worker is doing now: chats decoding, and chats waiting for a sequence. */
export const LlmActivity = z.object({ decoding: z.number().int().nonnegative(), waiting: z.number().int().nonnegative() });
export type LlmActivity = z.infer<typeof LlmActivity>;

export const LlmInfo = z.object({
  /** Where the weights run: `cpu` unless a GPU backend loaded. */
  device: z.enum(['cpu', 'cuda', 'vulkan', 'metal']),
  gpuLayers: z.number().int().nonnegative(),
  threads: z.number().int().positive(),
  contextSize: z.number().int().positive(),
  sequences: z.number().int().positive(),
  /** The chat template in use: node-llama-cpp's wrapper for the GGUF's own template. */
  chatTemplate: z.string(),
  /**
   * How tools are called: `native` in the template's own tool format (node-llama-cpp's function calling),
   * or `grammar`, a JSON envelope under a grammar, for templates that have none.
   */
  toolCalling: z.enum(['native', 'grammar']),
  /** Whether sequences keep their evaluated prompt between requests (see {@link LlmLoadParams}). */
  reusePrefix: z.boolean(),
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
