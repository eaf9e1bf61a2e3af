/**
 * Models on a remote OpenAI-compatible server (vLLM, Ollama, llama-server, LM Studio, a Hearth team
 * server): streamed chat over SSE, embeddings, JSON-schema output and rerank, with timeouts, retries
 * with backoff on 429 and 5xx, and errors that say which server said what.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { z } from 'zod';
import { HearthError } from '../../../schemas/index.js';
import type { RemoteModelSource } from './library.js';
import {
  WireChatChunk,
  WireChatCompletion,
  WireEmbeddingResponse,
  WireError,
  WireRerankResponse,
  finishReasonOf,
  readSseData,
  type WireChatRequest,
} from './openai-wire.js';
import type { CallOptions, ChatEvent, ChatModel, ChatRequest, Embedder, Reranker, TokenUsage } from './types.js';
import { estimateTokens } from './token-estimate.js';

export interface RemoteOptions {
  /** Base URL up to and including `/v1`. */
  url: string;
  model: string;
  apiKey?: string;
  /** Per attempt, for the response to start (streams are not cut once tokens flow). */
  timeoutMs?: number;
  retries?: number;
  /** How JSON-schema output is asked for: OpenAI's `response_format`, or vLLM's older `guided_json` too. */
  jsonMode?: 'response_format' | 'guided_json';
  fetch?: typeof fetch;
}

export function remoteOptionsFrom(source: RemoteModelSource, env: NodeJS.ProcessEnv = process.env): RemoteOptions {
  const apiKey = source.api_key_env ? env[source.api_key_env] : undefined;
  return {
    url: source.url,
    model: source.model,
    ...(apiKey ? { apiKey } : {}),
    ...(source.timeout_ms ? { timeoutMs: source.timeout_ms } : {}),
  };
}

class RemoteEndpoint {
  readonly base: string;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly fetch: typeof fetch;

  constructor(private readonly options: RemoteOptions) {
    this.base = options.url.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.retries = options.retries ?? 3;
    this.fetch = options.fetch ?? fetch;
  }

  /** POSTs JSON and returns the response once it has started, retrying what a retry can fix. */
  async post(path: string, body: unknown, signal?: AbortSignal): Promise<Response> {
    const url = `${this.base}${path}`;
    for (let attempt = 0; ; attempt++) {
      const timeout = AbortSignal.timeout(this.timeoutMs);
      const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
      let response: Response;
      try {
        response = await this.fetch(url, {
          method: 'POST',
          headers: {
            'Content-Type': 'application/json',
            Accept: 'application/json, text/event-stream',
            ...(this.options.apiKey ? { Authorization: `Bearer ${this.options.apiKey}` } : {}),
          },
          body: JSON.stringify(body),
          signal: combined,
        });
      } catch (error) {
        if (signal?.aborted) throw new HearthError('CANCELLED', `The request to ${url} was cancelled.`);
        const timedOut = timeout.aborted;
        if (attempt < this.retries) {
          await backoff(attempt, undefined, signal);
          continue;
        }
        throw timedOut
          ? new HearthError('TIMEOUT', `${url} did not answer within ${this.timeoutMs} ms (tried ${attempt + 1} times).`, { url })
          : new HearthError('REMOTE_ERROR', `Cannot reach ${url}: ${causeOf(error)}.`, { url });
      }
      if (response.ok) return response;
      const retryable = response.status === 429 || response.status >= 500;
      if (retryable && attempt < this.retries) {
        await response.body?.cancel();
        await backoff(attempt, response.headers.get('retry-after'), signal);
        continue;
      }
      throw new HearthError('REMOTE_ERROR', `${url} answered ${response.status}: ${await errorMessage(response)}`, {
        url,
        status: response.status,
      });
    }
  }

  async json<T extends z.ZodType>(path: string, body: unknown, schema: T, signal?: AbortSignal): Promise<z.output<T>> {
    const response = await this.post(path, body, signal);
    const parsed = schema.safeParse(await response.json().catch(() => undefined));
    if (!parsed.success) {
      throw new HearthError('REMOTE_ERROR', `${this.base}${path} answered with a body that is not the OpenAI format.`, parsed.error.issues);
    }
    return parsed.data;
  }
}

export class OpenAICompatibleChatModel implements ChatModel {
  readonly id: string;
  private readonly endpoint: RemoteEndpoint;

  constructor(private readonly options: RemoteOptions) {
    this.endpoint = new RemoteEndpoint(options);
    this.id = `openai:${options.model}@${this.endpoint.base}`;
  }

  async *chat(request: ChatRequest, options: CallOptions = {}): AsyncGenerator<ChatEvent> {
    const body: WireChatRequest = {
      model: this.options.model,
      messages: request.messages,
      stream: true,
      stream_options: { include_usage: true },
      ...(request.maxTokens ? { max_tokens: request.maxTokens } : {}),
      ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
      ...(request.seed !== undefined ? { seed: request.seed } : {}),
      ...(request.stop ? { stop: request.stop } : {}),
      ...(request.jsonSchema
        ? this.options.jsonMode === 'guided_json'
          ? { guided_json: request.jsonSchema }
          : { response_format: { type: 'json_schema' as const, json_schema: { name: 'output', schema: request.jsonSchema, strict: true } } }
        : {}),
    };
    let response: Response;
    try {
      response = await this.endpoint.post('/chat/completions', body, options.signal);
    } catch (error) {
      if (error instanceof HearthError && error.code === 'CANCELLED') {
        yield { type: 'done', finishReason: 'cancelled', usage: { promptTokens: 0, completionTokens: 0 } };
        return;
      }
      throw error;
    }
    let usage: TokenUsage = { promptTokens: 0, completionTokens: 0 };
    let finish: 'stop' | 'length' = 'stop';
    let pieces = 0;
    // A server may ignore `stream` and answer with one JSON body.
    if (!(response.headers.get('content-type') ?? '').includes('text/event-stream')) {
      const completion = WireChatCompletion.safeParse(await response.json().catch(() => undefined));
      if (!completion.success) throw new HearthError('REMOTE_ERROR', `${this.endpoint.base} answered chat with a body that is not the OpenAI format.`);
      const choice = completion.data.choices[0]!;
      if (choice.message.content) yield { type: 'delta', text: choice.message.content };
      const wireUsage = completion.data.usage;
      yield {
        type: 'done',
        finishReason: finishReasonOf(choice.finish_reason),
        usage: wireUsage ? { promptTokens: wireUsage.prompt_tokens, completionTokens: wireUsage.completion_tokens } : usage,
      };
      return;
    }
    try {
      for await (const data of readSseData(response.body!)) {
        if (data === '[DONE]') break;
        const chunk = WireChatChunk.safeParse(safeJson(data));
        if (!chunk.success) throw new HearthError('REMOTE_ERROR', `${this.endpoint.base} streamed a chunk that is not the OpenAI format: ${data.slice(0, 200)}`);
        for (const choice of chunk.data.choices) {
          if (choice.delta.content) {
            pieces++;
            yield { type: 'delta', text: choice.delta.content };
          }
          if (choice.finish_reason) finish = finishReasonOf(choice.finish_reason);
        }
        if (chunk.data.usage) usage = { promptTokens: chunk.data.usage.prompt_tokens, completionTokens: chunk.data.usage.completion_tokens };
      }
    } catch (error) {
      if (options.signal?.aborted) {
        yield { type: 'done', finishReason: 'cancelled', usage: { ...usage, completionTokens: usage.completionTokens || pieces } };
        return;
      }
      if (error instanceof HearthError) throw error;
      throw new HearthError('REMOTE_ERROR', `The stream from ${this.endpoint.base} broke off: ${causeOf(error)}.`);
    }
    if (options.signal?.aborted) {
      yield { type: 'done', finishReason: 'cancelled', usage };
      return;
    }
    yield { type: 'done', finishReason: finish, usage };
  }

  async dispose(): Promise<void> {
    // Nothing is held between requests.
  }
}

export class OpenAICompatibleEmbedder implements Embedder {
  readonly id: string;
  private readonly endpoint: RemoteEndpoint;
  private knownDimensions = 0;

  constructor(private readonly options: RemoteOptions) {
    this.endpoint = new RemoteEndpoint(options);
    this.id = `openai:${options.model}@${this.endpoint.base}`;
  }

  /** Known after the first call; 0 before. */
  get dimensions(): number {
    return this.knownDimensions;
  }

  /**
   * The OpenAI API tells neither the window nor the token counts: 512 is the window of most embedding
   * models served (BERT, E5, BGE), and counts are estimated on the high side.
   */
  readonly maxTokens = 512;

  async countTokens(texts: string[]): Promise<number[]> {
    return texts.map(estimateTokens);
  }

  async embed(texts: string[], options: CallOptions = {}): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    const response = await this.endpoint.json(
      '/embeddings',
      { model: this.options.model, input: texts, encoding_format: 'float' },
      WireEmbeddingResponse,
      options.signal,
    );
    const vectors: Float32Array[] = new Array(texts.length);
    for (const item of response.data) {
      if (item.index >= texts.length) throw new HearthError('REMOTE_ERROR', `${this.endpoint.base} returned an embedding for input ${item.index} of ${texts.length}.`);
      vectors[item.index] = normalize(Float32Array.from(item.embedding));
    }
    for (let i = 0; i < texts.length; i++) {
      if (!vectors[i]) throw new HearthError('REMOTE_ERROR', `${this.endpoint.base} returned no embedding for input ${i}.`);
    }
    this.knownDimensions = vectors[0]!.length;
    return vectors;
  }

  async dispose(): Promise<void> {
    // Nothing is held between requests.
  }
}

export class OpenAICompatibleReranker implements Reranker {
  readonly id: string;
  private readonly endpoint: RemoteEndpoint;

  constructor(private readonly options: RemoteOptions) {
    this.endpoint = new RemoteEndpoint(options);
    this.id = `openai:${options.model}@${this.endpoint.base}`;
  }

  async rerank(query: string, passages: string[], options: CallOptions = {}): Promise<number[]> {
    if (passages.length === 0) return [];
    const response = await this.endpoint.json(
      '/rerank',
      { model: this.options.model, query, documents: passages },
      WireRerankResponse,
      options.signal,
    );
    const scores = new Array<number>(passages.length).fill(Number.NEGATIVE_INFINITY);
    for (const result of response.results) if (result.index < passages.length) scores[result.index] = result.relevance_score;
    return scores;
  }

  async dispose(): Promise<void> {
    // Nothing is held between requests.
  }
}

function normalize(vector: Float32Array): Float32Array {
  let norm = 0;
  for (const value of vector) norm += value * value;
  norm = Math.sqrt(norm);
  if (norm > 0) for (let i = 0; i < vector.length; i++) vector[i]! /= norm;
  return vector;
}

async function backoff(attempt: number, retryAfter: string | null | undefined, signal?: AbortSignal): Promise<void> {
  const fromHeader = retryAfter ? Number(retryAfter) * 1000 : NaN;
  const delay = Number.isFinite(fromHeader) && fromHeader >= 0 ? Math.min(fromHeader, 30_000) : 250 * 2 ** attempt * (0.5 + Math.random());
  try {
    await sleep(delay, undefined, signal ? { signal } : undefined);
  } catch {
    throw new HearthError('CANCELLED', 'The request was cancelled while waiting to retry.');
  }
}

async function errorMessage(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  const parsed = WireError.safeParse(safeJson(text));
  if (parsed.success) return typeof parsed.data.error === 'string' ? parsed.data.error : parsed.data.error.message;
  return text.slice(0, 300) || response.statusText;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined; // the caller's schema reports what is wrong
  }
}

function causeOf(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}
