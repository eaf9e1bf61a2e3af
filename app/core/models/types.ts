/**
 * The model boundary. Everything above it (retrieval, agents, SGR) uses only these interfaces; local
 * workers and remote OpenAI-compatible servers implement them side by side.
 */
import { HearthError } from '../../../schemas/index.js';

/** A call the model made: its id (to answer it with a `tool` message), the tool's name and its input. */
export interface ToolCall {
  id: string;
  name: string;
  /** The input the model wrote, parsed from JSON. */
  input: unknown;
}

export type ChatMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string }
  /** What the model said before, with the tools it called in that turn, if any. */
  | { role: 'assistant'; content: string; toolCalls?: ToolCall[] }
  /** A tool's result, sent back to the model for the call with that id. */
  | { role: 'tool'; toolCallId: string; toolName: string; content: string };

/** A JSON Schema (draft 2020-12 subset) the output must match; made from zod with `z.toJSONSchema`. */
export type JsonSchema = Record<string, unknown>;

/** A tool the model may call. */
export interface ChatTool {
  /** Letters, digits, `_` and `-` (what every server accepts), at most 64. */
  name: string;
  /** What it does and when to use it: the model reads this. */
  description?: string;
  /** The JSON Schema of its input (an object). */
  inputSchema: JsonSchema;
}

/**
 * Whether the model may, must or must not call a tool: `auto` (its choice, the default when tools are
 * given), `none` (answer in text), `required` (one of the tools), or one named tool.
 */
export type ToolChoice = 'auto' | 'none' | 'required' | { tool: string };

/** The output must be JSON matching this schema (a grammar locally, `response_format` remotely). */
export interface ResponseFormat {
  schema: JsonSchema;
  /** A name for the schema, which OpenAI-style servers ask for. Default `output`. */
  name?: string;
}

export interface ChatRequest {
  messages: ChatMessage[];
  tools?: ChatTool[];
  toolChoice?: ToolChoice;
  responseFormat?: ResponseFormat;
  maxTokens?: number;
  temperature?: number;
  stop?: string[];
  seed?: number;
}

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
  /**
   * From the request reaching the model to its first generated token (text or a tool call's), its wait
   * for a free sequence and the prompt included; the whole request when nothing was generated. The local
   * worker measures it; for a remote server, the client does (from sending the request).
   */
  timeToFirstTokenMs: number;
  /** Prompt tokens not evaluated again because the model still held them from an earlier request. */
  cachedPromptTokens?: number;
}

export type FinishReason = 'stop' | 'length' | 'tool-calls' | 'cancelled';

export type ChatEvent =
  | { type: 'text'; text: string }
  | ({ type: 'tool-call' } & ToolCall)
  /**
   * Something the caller should know that did not stop the reply: a schema the local grammar cannot
   * fully enforce, a server that ignored the response format, a tool call whose arguments were not JSON
   * (no tool-call event is sent for it; `raw` holds what the model wrote).
   */
  | { type: 'warning'; message: string; raw?: string }
  | { type: 'finish'; reason: FinishReason; usage: TokenUsage };

export interface CallOptions {
  signal?: AbortSignal;
  /**
   * Told once when the reply has to wait for its turn at a shared model (a team server's fair queue): how many
   * requests start first and about how long that takes, so the person can be told.
   */
  onQueued?: (wait: { aheadOfYou: number; waitSeconds: number }) => void;
}

export interface ChatModel {
  readonly id: string;
  /** Where it computes: `cuda`, `vulkan`, `metal`, `cpu`, or `remote`. */
  readonly device?: string;
  /**
   * Streams the reply: `text` pieces, `tool-call`s, `warning`s, and always last one `finish` with the
   * reason and the token usage.
   *
   * Cancellation, the same for every implementation:
   * - Aborting `signal` stops the generation itself (the worker's decoding, the server's request), not
   *   just the listening; the stream then ends with `finish` reason `cancelled`. It never throws CANCELLED.
   * - A consumer that stops iterating (`break`, `return`, a throw in the loop) stops the generation too,
   *   and the work is released at once: the worker's sequence is free, the HTTP request closed.
   * - Every other failure throws a HearthError (BAD_REQUEST for a request that cannot be served,
   *   REMOTE_ERROR, MODEL_CRASHED…).
   */
  chat(request: ChatRequest, options?: CallOptions): AsyncIterable<ChatEvent>;
  dispose(): Promise<void>;
}

export interface Embedder {
  readonly id: string;
  readonly dimensions: number;
  /** The most tokens of one text the model reads (it truncates the rest); Infinity when it has no window. */
  readonly maxTokens: number;
  /** One unit-length vector per text, in order. */
  embed(texts: string[], options?: CallOptions): Promise<Float32Array[]>;
  /**
   * Tokens per text, in order, without the model's special tokens: what chunks are sized in. Exact where the
   * tokenizer runs locally; an estimate that errs high otherwise (see token-estimate.ts).
   */
  countTokens(texts: string[], options?: CallOptions): Promise<number[]>;
  dispose(): Promise<void>;
}

export interface Reranker {
  readonly id: string;
  /** A relevance score per passage, in the passages' order; higher is more relevant. */
  rerank(query: string, passages: string[], options?: CallOptions): Promise<number[]>;
  dispose(): Promise<void>;
}

/** A whole reply, collected. */
export interface ChatReply {
  text: string;
  toolCalls: ToolCall[];
  warnings: string[];
  finishReason: FinishReason;
  usage: TokenUsage;
}

/** Collects a whole reply: the text, the tool calls, the warnings and how it ended. */
export async function completeChat(model: ChatModel, request: ChatRequest, options?: CallOptions): Promise<ChatReply> {
  const reply: ChatReply = { text: '', toolCalls: [], warnings: [], finishReason: 'stop', usage: { promptTokens: 0, completionTokens: 0, timeToFirstTokenMs: 0 } };
  for await (const event of model.chat(request, options)) {
    if (event.type === 'text') reply.text += event.text;
    else if (event.type === 'tool-call') reply.toolCalls.push({ id: event.id, name: event.name, input: event.input });
    else if (event.type === 'warning') reply.warnings.push(event.message);
    else {
      reply.finishReason = event.reason;
      reply.usage = event.usage;
    }
  }
  return reply;
}

const toolName = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Refuses, before any work, a request no model could serve: tool names that servers reject or that
 * repeat, a tool choice naming a tool that is not offered, or requiring a call with no tools. Every
 * implementation calls it first, so the answer is the same BAD_REQUEST whichever model is behind.
 */
export function checkChatRequest(request: ChatRequest): void {
  if (request.messages.length === 0) throw new HearthError('BAD_REQUEST', 'A chat request needs at least one message.');
  const names = new Set<string>();
  for (const tool of request.tools ?? []) {
    if (!toolName.test(tool.name)) {
      throw new HearthError('BAD_REQUEST', `Tool name "${tool.name}" is not allowed: use 1–64 letters, digits, "_" or "-".`, { tool: tool.name });
    }
    if (names.has(tool.name)) throw new HearthError('BAD_REQUEST', `Two tools are named "${tool.name}": tool names must be unique.`, { tool: tool.name });
    names.add(tool.name);
  }
  const choice = request.toolChoice;
  if (choice === 'required' && names.size === 0) {
    throw new HearthError('BAD_REQUEST', 'The tool choice is `required`, but the request offers no tools.');
  }
  if (typeof choice === 'object' && !names.has(choice.tool)) {
    const offered = names.size ? `the tools offered are ${[...names].join(', ')}` : 'the request offers no tools';
    throw new HearthError('BAD_REQUEST', `The tool choice names "${choice.tool}", but ${offered}.`, { tool: choice.tool });
  }
}

/** The tool choice in force: `auto` when tools are given and nothing was said, `none` without tools. */
export function toolChoiceOf(request: ChatRequest): ToolChoice {
  if (!request.tools?.length) return 'none';
  return request.toolChoice ?? 'auto';
}

/**
 * A schema as servers and grammars should see it: without the `$schema` key that zod writes (one server
 * silently stops enforcing a schema that has it) and without `$id`.
 */
export function normalizeJsonSchema(schema: JsonSchema): JsonSchema {
  const { $schema: _schema, $id: _id, ...rest } = schema;
  return rest;
}

/**
 * What is wrong with a reply that should have been JSON, or undefined when it parses. One wording for
 * every implementation, so a warning relayed by a Hearth server is recognised as the same one.
 */
export function jsonReplyProblem(text: string, reason: FinishReason): string | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch (error) {
    if (reason === 'length') return 'The reply was cut off at the token limit before its JSON was complete; raise maxTokens.';
    if (reason === 'cancelled') return 'The reply was cancelled before its JSON was complete.';
    return `The reply is not valid JSON (${(error as Error).message}), although a response format was asked for.`;
  }
}
