/**
 * Hearth's OpenAI-compatible API: `/v1/chat/completions` (streamed or not; tools, tool choice, tool
 * results and tool calls; output held to a JSON schema given as `response_format` or vLLM's
 * `structured_outputs` / `guided_json`, checked and validated by the SGR pipeline: openai-structured.ts),
 * `/v1/embeddings` and `/v1/rerank`, served from any ChatModel, Embedder or Reranker. It speaks the same
 * wire module the remote provider reads, so a Hearth team server is a remote model server like any other.
 */
import type http from 'node:http';
import type { z } from 'zod';
import { HearthError } from '../../schemas/index.js';
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
  type WireEmbeddingResponse,
  type WireError,
  type WireRerankResponse,
  type WireToolCall,
  type WireUsage,
} from '../core/models/index.js';
import { chatEvents } from './openai-structured.js';

export interface OpenAIModels {
  chat(model: string): ChatModel | undefined;
  embedder(model: string): Embedder | undefined;
  reranker(model: string): Reranker | undefined;
}

const maxBodyBytes = 16 * 1024 * 1024;

/** Handles a request under `/v1/`; returns false for paths it does not serve. */
export async function handleOpenAIRequest(models: OpenAIModels, request: http.IncomingMessage, response: http.ServerResponse): Promise<boolean> {
  const path = new URL(request.url ?? '/', 'http://localhost').pathname;
  const route = routes[path];
  if (!route) return false;
  if (request.method !== 'POST') {
    sendError(response, 405, `${path} takes POST.`);
    return true;
  }
  const controller = new AbortController();
  // The client went away: stop generating for nobody.
  response.on('close', () => controller.abort());
  let body: unknown;
  try {
    body = JSON.parse(await readBody(request));
  } catch (error) {
    sendError(response, 400, `The body is not JSON: ${(error as Error).message}`);
    return true;
  }
  try {
    await route(models, body, response, controller.signal);
  } catch (error) {
    // A failure before anything was sent gets a status; after that the connection is all there is.
    if (!response.headersSent) sendJson(response, statusOf(error), errorBody(error, statusOf(error)));
    else response.end();
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

type Route = (models: OpenAIModels, body: unknown, response: http.ServerResponse, signal: AbortSignal) => Promise<void>;

const routes: Record<string, Route> = {
  '/v1/chat/completions': async (models, body, response, signal) => {
    const wire = parse(WireChatRequest, body, response);
    if (!wire) return;
    const model = models.chat(wire.model);
    if (!model) return sendError(response, 404, `No chat model "${wire.model}" here.`);
    const events = chatEvents(model, chatRequestOf(wire), { stream: wire.stream === true, signal })[Symbol.asyncIterator]();
    // The first event before any header: a request the model refuses gets its 400, not a broken stream.
    const first = await events.next();
    const reply = new WireReply(wire.model);
    if (!wire.stream) {
      for (let step = first; !step.done; step = await events.next()) reply.add(step.value);
      return sendJson(response, 200, reply.completion());
    }
    response.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
    try {
      for (let step = first; !step.done; step = await events.next()) {
        for (const chunk of reply.chunks(step.value, wire.stream_options?.include_usage === true)) response.write(serializeSseData(chunk));
      }
      response.end(serializeSseData('[DONE]'));
    } catch (error) {
      // Headers are gone; the best a stream can do is say so in-band and stop (the openai SDK raises it).
      response.end(serializeSseData(errorBody(error, statusOf(error))));
    }
  },

  '/v1/embeddings': async (models, body, response, signal) => {
    const request = parse(WireEmbeddingRequest, body, response);
    if (!request) return;
    const embedder = models.embedder(request.model);
    if (!embedder) return sendError(response, 404, `No embedding model "${request.model}" here.`);
    const inputs = typeof request.input === 'string' ? [request.input] : request.input;
    const vectors = await embedder.embed(inputs, { signal });
    const result: WireEmbeddingResponse = {
      object: 'list',
      model: request.model,
      data: vectors.map((vector, index) => ({ object: 'embedding', index, embedding: Array.from(vector) })),
    };
    sendJson(response, 200, result);
  },

  '/v1/rerank': async (models, body, response, signal) => {
    const request = parse(WireRerankRequest, body, response);
    if (!request) return;
    const reranker = models.reranker(request.model);
    if (!reranker) return sendError(response, 404, `No rerank model "${request.model}" here.`);
    const scores = await reranker.rerank(request.query, request.documents, { signal });
    const results = scores
      .map((relevance_score, index) => ({ index, relevance_score }))
      .sort((a, b) => b.relevance_score - a.relevance_score)
      .slice(0, request.top_n ?? scores.length);
    const result: WireRerankResponse = { model: request.model, results };
    sendJson(response, 200, result);
  },
};

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

async function readBody(request: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBodyBytes) throw new Error(`the body is larger than ${maxBodyBytes} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
