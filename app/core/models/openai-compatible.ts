/**
 * Models on a remote OpenAI-compatible server (vLLM, Ollama, llama-server, LM Studio, a Hearth team
 * server): streamed chat over SSE with tool calls, JSON-schema output (remote-json-mode.ts: which field
 * carries the schema, learnt from a refusal), embeddings and rerank, each through a RemoteEndpoint
 * (remote-endpoint.ts: timeouts, retries, errors that say which server said what); every reply checked
 * on its way out (remote-reply.ts).
 */
import { HearthError } from '../../../schemas/index.js';
import {
  WireChatChunk,
  WireChatCompletion,
  WireEmbeddingResponse,
  WireError,
  WireRerankResponse,
  finishReasonOf,
  readSseData,
  type WireChatMessage,
  type WireChatRequest,
  type WireToolCall,
  type WireUsage,
} from './openai-wire.js';
import {
  checkChatRequest,
  normalizeJsonSchema,
  type CallOptions,
  type ChatEvent,
  type ChatMessage,
  type ChatModel,
  type ChatRequest,
  type Embedder,
  type Reranker,
  type TokenUsage,
} from './types.js';
import { estimateTokens } from './token-estimate.js';
import { RemoteEndpoint, causeOf, safeJson, type RemoteOptions } from './remote-endpoint.js';
import { jsonModeFields, refusesResponseFormat, refusesTheField, type JsonMode } from './remote-json-mode.js';
import { ReplyChecks, ToolCallPieces, streamedFailure } from './remote-reply.js';

export { remoteOptionsFrom, type RemoteOptions } from './remote-endpoint.js';

export class OpenAICompatibleChatModel implements ChatModel {
  readonly id: string;
  private readonly endpoint: RemoteEndpoint;
  /** How this server takes a schema: as configured, or as learnt from its first refusal. */
  private jsonMode: JsonMode;

  constructor(private readonly options: RemoteOptions) {
    this.endpoint = new RemoteEndpoint(options);
    this.jsonMode = options.jsonMode ?? 'response_format';
    this.id = `openai:${options.model}@${this.endpoint.base}`;
  }

  async *chat(request: ChatRequest, options: CallOptions = {}): AsyncGenerator<ChatEvent> {
    checkChatRequest(request);
    const started = performance.now();
    let firstTokenAt: number | undefined;
    const usage = (wire: WireUsage | null | undefined, pieces = 0): TokenUsage => ({
      promptTokens: wire?.prompt_tokens ?? 0,
      // Servers that send no usage: each streamed piece is at least a token.
      completionTokens: wire?.completion_tokens ?? pieces,
      timeToFirstTokenMs: (firstTokenAt ?? performance.now()) - started,
      ...(wire?.prompt_tokens_details?.cached_tokens !== undefined ? { cachedPromptTokens: wire.prompt_tokens_details.cached_tokens } : {}),
    });
    // Ours, so a consumer that stops reading also closes the request; the caller's signal is a cancel.
    const release = new AbortController();
    const signal = options.signal ? AbortSignal.any([options.signal, release.signal]) : release.signal;
    const cancelled = () => options.signal?.aborted === true;
    const reply = new ReplyChecks(request, this.endpoint.base);
    let response: Response;
    try {
      const posted = await this.postChat(request, signal);
      response = posted.response;
      if (posted.switched) yield* reply.warning(posted.switched);
    } catch (error) {
      if (cancelled()) {
        yield { type: 'finish', reason: 'cancelled', usage: usage(undefined) };
        return;
      }
      throw error;
    }
    try {
      // A server may ignore `stream` and answer with one JSON body.
      if (!(response.headers.get('content-type') ?? '').includes('text/event-stream')) {
        const completion = WireChatCompletion.safeParse(await response.json().catch(() => undefined));
        if (!completion.success) throw new HearthError('REMOTE_ERROR', `${this.endpoint.base} answered chat with a body that is not the OpenAI format.`);
        const { message, finish_reason } = completion.data.choices[0]!;
        firstTokenAt = performance.now();
        for (const warning of completion.data.hearth_warnings ?? []) yield* reply.warning(warning.message, warning.raw);
        if (message.content) yield* reply.text(message.content);
        for (const call of message.tool_calls ?? []) yield* reply.toolCall(call.id, call.function.name, call.function.arguments);
        yield* reply.finish(finishReasonOf(finish_reason), usage(completion.data.usage));
        return;
      }
      const calls = new ToolCallPieces();
      let finish: ReturnType<typeof finishReasonOf> = 'stop';
      let wireUsage: WireUsage | null | undefined;
      let pieces = 0;
      try {
        for await (const data of readSseData(response.body!)) {
          if (data === '[DONE]') break;
          const chunk = WireChatChunk.safeParse(safeJson(data));
          if (!chunk.success) {
            const failure = WireError.safeParse(safeJson(data));
            if (failure.success) throw streamedFailure(failure.data, this.endpoint.base);
            throw new HearthError('REMOTE_ERROR', `${this.endpoint.base} streamed a chunk that is not the OpenAI format: ${data.slice(0, 200)}`);
          }
          for (const warning of chunk.data.hearth_warnings ?? []) yield* reply.warning(warning.message, warning.raw);
          for (const choice of chunk.data.choices) {
            if (choice.delta.content) {
              firstTokenAt ??= performance.now();
              pieces++;
              yield* reply.text(choice.delta.content);
            }
            for (const piece of choice.delta.tool_calls ?? []) {
              firstTokenAt ??= performance.now();
              calls.add(piece);
            }
            if (choice.finish_reason) finish = finishReasonOf(choice.finish_reason);
          }
          if (chunk.data.usage) wireUsage = chunk.data.usage;
        }
      } catch (error) {
        if (cancelled()) {
          yield { type: 'finish', reason: 'cancelled', usage: usage(wireUsage, pieces) };
          return;
        }
        if (error instanceof HearthError) throw error;
        throw new HearthError('REMOTE_ERROR', `The stream from ${this.endpoint.base} broke off: ${causeOf(error)}.`);
      }
      if (cancelled()) {
        yield { type: 'finish', reason: 'cancelled', usage: usage(wireUsage, pieces) };
        return;
      }
      for (const call of calls.complete()) yield* reply.toolCall(call.id, call.name, call.arguments);
      yield* reply.finish(finish, usage(wireUsage, pieces));
    } finally {
      // Whatever way the stream ends (done, cancelled, or a consumer that stopped reading), the request goes.
      release.abort();
      await response.body?.cancel().catch(() => undefined); // already closed or aborted: nothing to let go
    }
  }

  /**
   * Posts the chat. A server that refuses `response_format` (a 400 naming it) is asked once more with the
   * schema as vLLM's `structured_outputs` — and from then on, when the refusal was of the field itself, not
   * of this schema; `switched` says which.
   */
  private async postChat(request: ChatRequest, signal: AbortSignal): Promise<{ response: Response; switched?: string }> {
    const mode = this.jsonMode;
    try {
      return { response: await this.endpoint.post('/chat/completions', this.wireRequest(request, mode), signal) };
    } catch (error) {
      if (!request.responseFormat || mode !== 'response_format' || this.options.jsonMode !== undefined || !refusesResponseFormat(error)) throw error;
      const refusal = (error as Error).message;
      let response: Response;
      try {
        response = await this.endpoint.post('/chat/completions', this.wireRequest(request, 'structured_outputs'), signal);
      } catch (second) {
        if (!(second instanceof HearthError) || second.code !== 'REMOTE_ERROR') throw second;
        throw new HearthError('REMOTE_ERROR', `${this.endpoint.base} refused the output schema both as response_format (${refusal}) and as vLLM's structured_outputs (${second.message}).`, second.details);
      }
      // A refusal of this one schema says nothing of the next: the switch is kept only when the field itself is unknown.
      const lasting = refusesTheField(error);
      if (lasting) this.jsonMode = 'structured_outputs';
      return {
        response,
        switched: `${this.endpoint.base} refused response_format (${refusal}); the schema went as vLLM's structured_outputs instead, ${lasting ? 'as it will from now on' : 'for this request'}.`,
      };
    }
  }

  /** The request as the OpenAI API spells it, the schema (if any) sent the given way. */
  private wireRequest(request: ChatRequest, mode: JsonMode): WireChatRequest {
    const choice = request.toolChoice;
    const format = request.responseFormat;
    const schema = format ? normalizeJsonSchema(format.schema) : undefined;
    return {
      model: this.options.model,
      messages: request.messages.map(wireMessage),
      stream: true,
      stream_options: { include_usage: true },
      ...(request.maxTokens ? { max_tokens: request.maxTokens } : {}),
      ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
      ...(request.seed !== undefined ? { seed: request.seed } : {}),
      ...(request.stop ? { stop: request.stop } : {}),
      ...(request.tools?.length
        ? {
            tools: request.tools.map((tool) => ({
              type: 'function' as const,
              function: {
                name: tool.name,
                ...(tool.description ? { description: tool.description } : {}),
                parameters: normalizeJsonSchema(tool.inputSchema),
              },
            })),
          }
        : {}),
      ...(choice ? { tool_choice: typeof choice === 'object' ? { type: 'function' as const, function: { name: choice.tool } } : choice } : {}),
      ...(format && schema ? jsonModeFields(mode, format, schema) : {}),
    };
  }

  async dispose(): Promise<void> {
    // Nothing is held between requests.
  }
}

function wireMessage(message: ChatMessage): WireChatMessage {
  switch (message.role) {
    case 'tool':
      return { role: 'tool', tool_call_id: message.toolCallId, name: message.toolName, content: message.content };
    case 'assistant': {
      const calls: WireToolCall[] = (message.toolCalls ?? []).map((call) => ({
        id: call.id,
        type: 'function',
        function: { name: call.name, arguments: JSON.stringify(call.input ?? {}) },
      }));
      // OpenAI wants `content: null` beside tool calls with nothing said.
      return { role: 'assistant', content: calls.length && !message.content ? null : message.content, ...(calls.length ? { tool_calls: calls } : {}) };
    }
    default:
      return { role: message.role, content: message.content };
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

