/**
 * Models on a remote OpenAI-compatible server (vLLM, Ollama, llama-server, LM Studio, a Hearth team
 * server): streamed chat over SSE with tool calls, JSON-schema output, embeddings and rerank, each through
 * a RemoteEndpoint (remote-endpoint.ts: timeouts, retries, errors that say which server said what).
 */
import { HearthError } from '../../../schemas/index.js';
import {
  WireChatChunk,
  WireChatCompletion,
  WireEmbeddingResponse,
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
  jsonReplyProblem,
  normalizeJsonSchema,
  type CallOptions,
  type ChatEvent,
  type ChatMessage,
  type ChatModel,
  type ChatRequest,
  type Embedder,
  type FinishReason,
  type Reranker,
  type TokenUsage,
} from './types.js';
import { estimateTokens } from './token-estimate.js';
import { RemoteEndpoint, causeOf, safeJson, type RemoteOptions } from './remote-endpoint.js';

export { remoteOptionsFrom, type RemoteOptions } from './remote-endpoint.js';

export class OpenAICompatibleChatModel implements ChatModel {
  readonly id: string;
  private readonly endpoint: RemoteEndpoint;

  constructor(private readonly options: RemoteOptions) {
    this.endpoint = new RemoteEndpoint(options);
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
      response = await this.endpoint.post('/chat/completions', this.wireRequest(request), signal);
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
          if (!chunk.success) throw new HearthError('REMOTE_ERROR', `${this.endpoint.base} streamed a chunk that is not the OpenAI format: ${data.slice(0, 200)}`);
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

  /** The request as the OpenAI API spells it. */
  private wireRequest(request: ChatRequest): WireChatRequest {
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
      ...(schema
        ? this.options.jsonMode === 'guided_json'
          ? { guided_json: schema }
          : { response_format: { type: 'json_schema' as const, json_schema: { name: format?.name ?? 'output', schema, strict: true } } }
        : {}),
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

/** Streamed tool-call pieces, joined by their index into whole calls. */
class ToolCallPieces {
  private readonly calls = new Map<number, { id: string; name: string; arguments: string }>();

  add(piece: { index: number; id?: string | null; function?: { name?: string | null; arguments?: string | null } | null }): void {
    const call = this.calls.get(piece.index) ?? { id: '', name: '', arguments: '' };
    if (piece.id) call.id = piece.id;
    if (piece.function?.name) call.name += piece.function.name;
    if (piece.function?.arguments) call.arguments += piece.function.arguments;
    this.calls.set(piece.index, call);
  }

  complete(): { id: string; name: string; arguments: string }[] {
    return [...this.calls.entries()].sort(([a], [b]) => a - b).map(([index, call]) => ({ ...call, id: call.id || `call_${index}` }));
  }
}

/**
 * What every reply from a server goes through on its way out: tool calls parsed (arguments that are not
 * JSON become a warning with the raw text, never a crash and never silence), a JSON reply checked when a
 * response format was asked for (a server that ignored it is named), and warnings said once.
 */
class ReplyChecks {
  private written = '';
  private calls = 0;
  private readonly said = new Set<string>();

  constructor(
    private readonly request: ChatRequest,
    private readonly server: string,
  ) {}

  *text(text: string): Generator<ChatEvent> {
    this.written += text;
    yield { type: 'text', text };
  }

  *warning(message: string, raw?: string): Generator<ChatEvent> {
    if (this.said.has(message)) return;
    this.said.add(message);
    yield { type: 'warning', message, ...(raw !== undefined ? { raw } : {}) };
  }

  *toolCall(id: string, name: string, args: string): Generator<ChatEvent> {
    let input: unknown;
    try {
      // An empty argument string is how some servers send a call without input.
      input = args.trim() ? JSON.parse(args) : {};
    } catch (error) {
      yield* this.warning(`The model called "${name}" (${id}) with arguments that are not JSON (${(error as Error).message}); the call was not passed on.`, args);
      return;
    }
    this.calls++;
    yield { type: 'tool-call', id, name, input };
  }

  *finish(reason: Exclude<FinishReason, 'cancelled'>, usage: TokenUsage): Generator<ChatEvent> {
    if (this.request.responseFormat && this.calls === 0) {
      const problem = jsonReplyProblem(this.written, reason);
      // A Hearth server relays its own model's identical warning: say it once.
      if (problem && !this.said.has(problem)) yield* this.warning(reason === 'length' ? problem : `${problem} ${this.server} did not apply it.`, this.written);
    }
    // Some servers (Ollama) end a turn of tool calls with `stop`: what ended it was the calls.
    yield { type: 'finish', reason: this.calls > 0 && reason === 'stop' ? 'tool-calls' : reason, usage };
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

