/**
 * Hearth's OpenAI-compatible API: `/v1/chat/completions` (streamed or not; tools, tool choice, tool
 * results and tool calls; output held to a JSON schema given as `response_format` or vLLM's
 * `structured_outputs` / `guided_json`, checked and validated by the SGR pipeline: openai-structured.ts),
 * `/v1/embeddings`, `/v1/rerank` and `/v1/models`, served from any ChatModel, Embedder or Reranker. Each
 * request leases its model for as long as it runs (a stream included) and returns the lease when it ends,
 * however it ends, so a model switched meanwhile closes only after its last answer. It speaks the same wire
 * module the remote provider reads, so a Hearth team server is a remote model server like any other.
 */
import type http from 'node:http';
import { z } from 'zod';
import { HearthError } from '../../schemas/index.js';
import type { Lease } from '../core/lifecycle.js';
import type { ChatEvent, ChatMessage, ChatModel, ChatRequest, Embedder, Reranker, TokenUsage } from '../core/models/index.js';
import {
  WireChatRequest,
  WireEmbeddingRequest,
  WireRerankRequest,
  serializeSseData,
  wireFinishReason,
  wireText,
  type WireChatChunk,
  type WireChatCompletion,
  type WireError,
  type WireRerankResponse,
  type WireToolCall,
  type WireUsage,
} from '../core/models/index.js';
import { chatEvents } from './openai-structured.js';

/** The models a `/v1` serves, by the name a client asks for; undefined for a name not served here. */
export interface OpenAIModels {
  chat(model: string): Promise<Lease<ChatModel> | undefined>;
  embedder(model: string): Promise<Lease<Embedder> | undefined>;
  reranker(model: string): Promise<Lease<Reranker> | undefined>;
  /** What `/v1/models` lists. */
  list(): Promise<Array<{ id: string; kind: ServedKind }>>;
}

export type ServedKind = 'llm' | 'embed' | 'rerank';

/** Models that are always there, by name (tests, fixtures): their leases hold nothing, so returning them does nothing. */
export function fixedModels(models: { chat?: Record<string, ChatModel>; embed?: Record<string, Embedder>; rerank?: Record<string, Reranker> }): OpenAIModels {
  const lookup =
    <T>(table: Record<string, T> | undefined) =>
    async (name: string): Promise<Lease<T> | undefined> =>
      table && Object.hasOwn(table, name) ? unheld(table[name]!) : undefined;
  const named = (table: Record<string, unknown> | undefined, kind: ServedKind) => Object.keys(table ?? {}).map((id) => ({ id, kind }));
  return {
    chat: lookup(models.chat),
    embedder: lookup(models.embed),
    reranker: lookup(models.rerank),
    list: async () => [...named(models.chat, 'llm'), ...named(models.embed, 'embed'), ...named(models.rerank, 'rerank')],
  };
}

function unheld<T>(value: T): Lease<T> {
  const release = async () => undefined;
  return { value, release, [Symbol.asyncDispose]: release };
}

/**
 * The official `openai` client asks for base64 unless told otherwise (little-endian float32s, what OpenAI sends),
 * so `/v1/embeddings` answers in either encoding.
 */
const EmbeddingRequest = WireEmbeddingRequest.extend({ encoding_format: z.enum(['float', 'base64']).optional() });

/** `/v1/models` as OpenAI writes it: what the `openai` package's `models.list()` reads. */
interface WireModelList {
  object: 'list';
  data: Array<{ id: string; object: 'model'; created: number; owned_by: string }>;
}

const maxBodyBytes = 16 * 1024 * 1024;

/** Handles a request under `/v1/`; returns false for paths it does not serve. */
export async function handleOpenAIRequest(models: OpenAIModels, request: http.IncomingMessage, response: http.ServerResponse): Promise<boolean> {
  const path = new URL(request.url ?? '/', 'http://localhost').pathname;
  const route = routes[path];
  if (!route) return false;
  if (request.method !== route.method) {
    response.setHeader('Allow', route.method);
    sendError(response, 405, `${path} takes ${route.method}.`);
    return true;
  }
  const controller = new AbortController();
  // The client went away: stop generating for nobody.
  response.on('close', () => controller.abort());
  let body: unknown;
  if (route.method === 'POST') {
    let text: string;
    try {
      text = await readBody(request);
    } catch (error) {
      sendError(response, error instanceof BodyTooLarge ? 413 : 400, (error as Error).message);
      return true;
    }
    try {
      body = JSON.parse(text);
    } catch (error) {
      sendError(response, 400, `The body is not JSON: ${(error as Error).message}`);
      return true;
    }
  }
  try {
    await route.handle(models, body, response, controller.signal);
  } catch (error) {
    // A failure before anything was sent gets a status; after that the connection is all there is.
    if (!response.headersSent) {
      const retryAfter = error instanceof HearthError ? (error.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds : undefined;
      if (typeof retryAfter === 'number') response.setHeader('Retry-After', String(retryAfter));
      sendJson(response, statusOf(error), errorBody(error, statusOf(error)));
    } else response.end();
  }
  return true;
}

function statusOf(error: unknown): number {
  if (!(error instanceof HearthError)) return 500;
  switch (error.code) {
    case 'BAD_REQUEST':
    case 'SCHEMA_INVALID':
    case 'SCHEMA_TOO_LARGE':
      return 400;
    case 'NOT_FOUND':
      return 404;
    case 'UNAUTHORIZED':
      return 401;
    case 'FORBIDDEN':
      return 403;
    // A person past their requests a minute on a shared server: OpenAI's clients back off and retry on 429.
    case 'RATE_LIMITED':
      return 429;
    // The request was fine and the model answered; its answer never matched the schema.
    case 'OUTPUT_INVALID':
      return 422;
    default:
      return 500;
  }
}

/**
 * An error as OpenAI's API writes one (`message`, `type`, `param`, `code`): a schema's problem names
 * `response_format` as the param; output that never validated carries its errors and the output itself.
 */
function errorBody(error: unknown, status: number): WireError {
  const message = (error as Error).message;
  const type = status >= 500 ? 'server_error' : 'invalid_request_error';
  if (!(error instanceof HearthError)) return { error: { message, type, code: null } };
  const code = error.code.toLowerCase();
  if (error.code === 'SCHEMA_INVALID' || error.code === 'SCHEMA_TOO_LARGE') return { error: { message, type, param: 'response_format', code } };
  if (error.code === 'OUTPUT_INVALID') {
    const details = error.details as { errors?: string[]; lastOutput?: string } | undefined;
    return { error: { message, type, code, ...(details?.errors ? { errors: details.errors } : {}), ...(details?.lastOutput !== undefined ? { raw: details.lastOutput } : {}) } };
  }
  return { error: { message, type, code } };
}

interface Route {
  method: 'GET' | 'POST';
  /** `body` is the parsed JSON of a POST; undefined for a GET. */
  handle(models: OpenAIModels, body: unknown, response: http.ServerResponse, signal: AbortSignal): Promise<void>;
}

const routes: Record<string, Route> = {
  '/v1/chat/completions': {
    method: 'POST',
    async handle(models, body, response, signal) {
      const wire = parse(WireChatRequest, body, response);
      if (!wire) return;
      const lease = await models.chat(wire.model);
      if (!lease) return sendError(response, 404, await notServed(models, 'llm', wire.model));
      try {
        await answer(lease.value, wire, response, signal);
      } finally {
        await lease.release();
      }
    },
  },

  '/v1/embeddings': {
    method: 'POST',
    async handle(models, body, response, signal) {
      const request = parse(EmbeddingRequest, body, response);
      if (!request) return;
      const lease = await models.embedder(request.model);
      if (!lease) return sendError(response, 404, await notServed(models, 'embed', request.model));
      let vectors: Float32Array[];
      try {
        const inputs = typeof request.input === 'string' ? [request.input] : request.input;
        vectors = await lease.value.embed(inputs, { signal });
      } finally {
        await lease.release();
      }
      const base64 = request.encoding_format === 'base64';
      const data = vectors.map((vector, index) => ({ object: 'embedding', index, embedding: base64 ? Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString('base64') : Array.from(vector) }));
      sendJson(response, 200, { object: 'list', model: request.model, data });
    },
  },

  '/v1/rerank': {
    method: 'POST',
    async handle(models, body, response, signal) {
      const request = parse(WireRerankRequest, body, response);
      if (!request) return;
      const lease = await models.reranker(request.model);
      if (!lease) return sendError(response, 404, await notServed(models, 'rerank', request.model));
      let scores: number[];
      try {
        scores = await lease.value.rerank(request.query, request.documents, { signal });
      } finally {
        await lease.release();
      }
      const results = scores
        .map((relevance_score, index) => ({ index, relevance_score }))
        .sort((a, b) => b.relevance_score - a.relevance_score)
        .slice(0, request.top_n ?? scores.length);
      const result: WireRerankResponse = { model: request.model, results };
      sendJson(response, 200, result);
    },
  },

  '/v1/models': {
    method: 'GET',
    async handle(models, _body, response) {
      // One entry per name: the wire's model has no kind, and the same name may serve two kinds.
      const ids = [...new Set((await models.list()).map((model) => model.id))];
      const result: WireModelList = { object: 'list', data: ids.map((id) => ({ id, object: 'model', created: 0, owned_by: 'hearth' })) };
      sendJson(response, 200, result);
    },
  },
};

/** A chat completion, whole or streamed, from `model`. */
async function answer(model: ChatModel, wire: WireChatRequest, response: http.ServerResponse, signal: AbortSignal): Promise<void> {
  const events = chatEvents(model, chatRequestOf(wire), { stream: wire.stream === true, signal })[Symbol.asyncIterator]();
  try {
    // The first event before any header: a request the model refuses gets its 400, not a broken stream.
    const first = await events.next();
    const reply = new WireReply(wire.model);
    if (!wire.stream) {
      for (let step = first; !step.done; step = await events.next()) reply.add(step.value);
      return sendJson(response, 200, reply.completion());
    }
    response.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
    try {
      // A client gone mid-stream: stop reading the model (the signal stops its work) and let the lease go.
      for (let step = first; !step.done && !signal.aborted; step = await events.next()) {
        for (const chunk of reply.chunks(step.value, wire.stream_options?.include_usage === true)) response.write(serializeSseData(chunk));
      }
      response.end(serializeSseData('[DONE]'));
    } catch (error) {
      // Headers are gone; the best a stream can do is say so in-band and stop (the openai SDK raises it).
      response.end(serializeSseData(errorBody(error, statusOf(error))));
    }
  } finally {
    // Left early (a disconnect, a failure): the generator's own cleanup runs now, before the lease is returned.
    await events.return?.(undefined);
  }
}

const kindNames: Record<ServedKind, string> = { llm: 'chat', embed: 'embedding', rerank: 'rerank' };

/** The 404's message: the name asked for, and what this server does serve of that kind. */
async function notServed(models: OpenAIModels, kind: ServedKind, name: string): Promise<string> {
  const served = (await models.list()).filter((model) => model.kind === kind).map((model) => model.id);
  return `No ${kindNames[kind]} model "${name}" here; ${served.length ? `this server serves: ${served.join(', ')}` : `this server serves no ${kindNames[kind]} model`}.`;
}

/** The wire's request in Hearth's terms. */
function chatRequestOf(wire: WireChatRequest): ChatRequest {
  const names = new Map<string, string>();
  const messages = wire.messages.map((message): ChatMessage => {
    switch (message.role) {
      case 'system':
      case 'developer':
        return { role: 'system', content: wireText(message.content) };
      case 'user':
        return { role: 'user', content: wireText(message.content) };
      case 'assistant': {
        const toolCalls = (message.tool_calls ?? []).map((call) => {
          names.set(call.id, call.function.name);
          return { id: call.id, name: call.function.name, input: argumentsOf(call) };
        });
        return { role: 'assistant', content: wireText(message.content), ...(toolCalls.length ? { toolCalls } : {}) };
      }
      case 'tool':
        // OpenAI's tool messages carry only the call's id; the name comes from the call itself.
        return { role: 'tool', toolCallId: message.tool_call_id, toolName: message.name ?? names.get(message.tool_call_id) ?? 'tool', content: wireText(message.content) };
    }
  });
  const format = wire.response_format;
  const schema =
    format?.type === 'json_schema'
      ? (format.json_schema.schema ?? { type: 'object', additionalProperties: true })
      : format?.type === 'json_object'
        ? { type: 'object', additionalProperties: true }
        : (wire.structured_outputs?.json ?? wire.guided_json);
  const choice = wire.tool_choice;
  const maxTokens = wire.max_completion_tokens ?? wire.max_tokens;
  return {
    messages,
    ...(wire.tools?.length
      ? {
          tools: wire.tools.map(({ function: tool }) => ({
            name: tool.name,
            ...(tool.description ? { description: tool.description } : {}),
            inputSchema: tool.parameters ?? { type: 'object', properties: {} },
          })),
        }
      : {}),
    ...(choice ? { toolChoice: typeof choice === 'string' ? choice : { tool: choice.function.name } } : {}),
    ...(schema ? { responseFormat: { schema, ...(format?.type === 'json_schema' ? { name: format.json_schema.name } : {}) } } : {}),
    ...(maxTokens ? { maxTokens } : {}),
    ...(wire.temperature != null ? { temperature: wire.temperature } : {}),
    ...(wire.seed != null ? { seed: wire.seed } : {}),
    ...(wire.stop != null ? { stop: typeof wire.stop === 'string' ? [wire.stop] : wire.stop } : {}),
  };
}

/** Arguments a client sent back in an earlier assistant message: JSON, or kept as the text it was. */
function argumentsOf(call: WireToolCall): unknown {
  try {
    return call.function.arguments.trim() ? JSON.parse(call.function.arguments) : {};
  } catch {
    return call.function.arguments; // the client's own history; the model sees what it wrote
  }
}

/** Hearth's events as OpenAI's completion, or as its stream of chunks. */
class WireReply {
  private readonly id = `chatcmpl-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
  private readonly created = Math.floor(Date.now() / 1000);
  private text = '';
  private readonly calls: WireToolCall[] = [];
  private readonly warnings: { message: string; raw?: string }[] = [];
  private finish: { reason: ReturnType<typeof wireFinishReason>; usage: TokenUsage } | undefined;
  private started = false;

  constructor(private readonly model: string) {}

  add(event: ChatEvent): void {
    if (event.type === 'text') this.text += event.text;
    else if (event.type === 'tool-call') this.calls.push(wireCall(event.id, event.name, event.input));
    else if (event.type === 'warning') this.warnings.push({ message: event.message, ...(event.raw !== undefined ? { raw: event.raw } : {}) });
    else this.finish = { reason: wireFinishReason(event.reason), usage: event.usage };
  }

  completion(): WireChatCompletion {
    const usage = this.finish?.usage;
    return {
      id: this.id,
      object: 'chat.completion',
      created: this.created,
      model: this.model,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: this.calls.length && !this.text ? null : this.text, ...(this.calls.length ? { tool_calls: this.calls } : {}) },
          finish_reason: this.finish?.reason ?? 'stop',
        },
      ],
      ...(usage ? { usage: wireUsage(usage) } : {}),
      ...(this.warnings.length ? { hearth_warnings: this.warnings } : {}),
    };
  }

  *chunks(event: ChatEvent, includeUsage: boolean): Generator<WireChatChunk> {
    const chunk = (fields: Pick<WireChatChunk, 'choices' | 'usage' | 'hearth_warnings'>): WireChatChunk => ({
      id: this.id,
      object: 'chat.completion.chunk',
      created: this.created,
      model: this.model,
      ...fields,
    });
    // OpenAI's first delta names the role; some clients wait for it.
    const role = this.started ? {} : { role: 'assistant' };
    if (event.type === 'warning') {
      yield chunk({ choices: [], hearth_warnings: [{ message: event.message, ...(event.raw !== undefined ? { raw: event.raw } : {}) }] });
      return;
    }
    this.started = true;
    if (event.type === 'text') {
      yield chunk({ choices: [{ index: 0, delta: { ...role, content: event.text }, finish_reason: null }] });
    } else if (event.type === 'tool-call') {
      const call = wireCall(event.id, event.name, event.input);
      const index = this.calls.push(call) - 1;
      yield chunk({ choices: [{ index: 0, delta: { ...role, tool_calls: [{ index, ...call }] }, finish_reason: null }] });
    } else {
      yield chunk({ choices: [{ index: 0, delta: role, finish_reason: wireFinishReason(event.reason) }] });
      if (includeUsage) yield chunk({ choices: [], usage: wireUsage(event.usage) });
    }
  }
}

function wireCall(id: string, name: string, input: unknown): WireToolCall {
  return { id, type: 'function', function: { name, arguments: JSON.stringify(input ?? {}) } };
}

function wireUsage(usage: TokenUsage): WireUsage {
  return {
    prompt_tokens: usage.promptTokens,
    completion_tokens: usage.completionTokens,
    total_tokens: usage.promptTokens + usage.completionTokens,
    ...(usage.cachedPromptTokens !== undefined ? { prompt_tokens_details: { cached_tokens: usage.cachedPromptTokens } } : {}),
  };
}

function parse<T extends z.ZodType>(schema: T, body: unknown, response: http.ServerResponse): z.output<T> | undefined {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  sendError(response, 400, `Invalid request: ${issue ? `${issue.path.join('.') || 'body'}: ${issue.message}` : 'unreadable'}`);
  return undefined;
}

function sendJson(response: http.ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
}

function sendError(response: http.ServerResponse, status: number, message: string): void {
  sendJson(response, status, { error: { message, type: status >= 500 ? 'server_error' : 'invalid_request_error' } });
}

class BodyTooLarge extends Error {}

async function readBody(request: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBodyBytes) throw new BodyTooLarge(`The body is larger than ${maxBodyBytes / 1024 / 1024} MiB, the most /v1 takes.`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
