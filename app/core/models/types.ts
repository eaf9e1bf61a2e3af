/**
 * The model boundary. Everything above it (retrieval, agents, SGR) uses only these interfaces; local
 * workers and remote OpenAI-compatible servers implement them side by side.
 */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** A JSON Schema (draft 2020-12 subset) the output must match; made from zod with `z.toJSONSchema`. */
export type JsonSchema = Record<string, unknown>;

export interface ChatRequest {
  messages: ChatMessage[];
  maxTokens?: number;
  temperature?: number;
  /** Constrains the output to JSON matching this schema (a grammar locally, `response_format` remotely). */
  jsonSchema?: JsonSchema;
  stop?: string[];
  seed?: number;
}

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
}

export type FinishReason = 'stop' | 'length' | 'cancelled';

export type ChatEvent =
  | { type: 'delta'; text: string }
  | { type: 'done'; finishReason: FinishReason; usage: TokenUsage };

export interface CallOptions {
  signal?: AbortSignal;
}

export interface ChatModel {
  readonly id: string;
  /** Where it computes: `cuda`, `vulkan`, `metal`, `cpu`, or `remote`. */
  readonly device?: string;
  /** Streams the reply. Aborting the signal stops generation; the stream then ends with `cancelled`. */
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

/** Collects a whole reply: the text and how it ended. */
export async function completeChat(model: ChatModel, request: ChatRequest, options?: CallOptions) {
  let text = '';
  let finishReason: FinishReason = 'stop';
  let usage: TokenUsage = { promptTokens: 0, completionTokens: 0 };
  for await (const event of model.chat(request, options)) {
    if (event.type === 'delta') text += event.text;
    else ({ finishReason, usage } = event);
  }
  return { text, finishReason, usage };
}
