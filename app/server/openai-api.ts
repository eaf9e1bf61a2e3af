/**
 * Hearth's OpenAI-compatible API: `/v1/chat/completions` (streamed or not, JSON schema via
 * `response_format`), `/v1/embeddings` and `/v1/rerank`, served from any ChatModel, Embedder or Reranker.
 * It speaks the same wire module the remote provider reads, so a Hearth team server is a remote model
 * server like any other.
 */
import type http from 'node:http';
import type { z } from 'zod';
import type { ChatModel, Embedder, Reranker } from '../core/models/index.js';
import {
  WireChatRequest,
  WireEmbeddingRequest,
  WireRerankRequest,
  serializeSseData,
  type WireChatChunk,
  type WireChatCompletion,
  type WireEmbeddingResponse,
  type WireRerankResponse,
} from '../core/models/index.js';

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
  await route(models, body, response, controller.signal);
  return true;
}

type Route = (models: OpenAIModels, body: unknown, response: http.ServerResponse, signal: AbortSignal) => Promise<void>;

const routes: Record<string, Route> = {
  '/v1/chat/completions': async (models, body, response, signal) => {
    const request = parse(WireChatRequest, body, response);
    if (!request) return;
    const model = models.chat(request.model);
    if (!model) return sendError(response, 404, `No chat model "${request.model}" here.`);
    const schema =
      request.response_format?.type === 'json_schema' ? request.response_format.json_schema.schema : (request.guided_json ?? undefined);
    const events = model.chat(
      {
        messages: request.messages,
        ...(request.max_tokens ? { maxTokens: request.max_tokens } : {}),
        ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
        ...(request.seed !== undefined ? { seed: request.seed } : {}),
        ...(request.stop ? { stop: request.stop } : {}),
        ...(schema ? { jsonSchema: schema } : {}),
      },
      { signal },
    );
    const id = `chatcmpl-${Date.now().toString(36)}`;
    const created = Math.floor(Date.now() / 1000);
    if (!request.stream) {
      let text = '';
      let completion: WireChatCompletion | undefined;
      for await (const event of events) {
        if (event.type === 'delta') text += event.text;
        else
          completion = {
            id,
            object: 'chat.completion',
            created,
            model: request.model,
            choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: event.finishReason === 'length' ? 'length' : 'stop' }],
            usage: { prompt_tokens: event.usage.promptTokens, completion_tokens: event.usage.completionTokens, total_tokens: event.usage.promptTokens + event.usage.completionTokens },
          };
      }
      return sendJson(response, 200, completion);
    }
    response.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
    const chunk = (fields: Pick<WireChatChunk, 'choices' | 'usage'>): WireChatChunk => ({ id, object: 'chat.completion.chunk', created, model: request.model, ...fields });
    try {
      for await (const event of events) {
        if (event.type === 'delta') {
          response.write(serializeSseData(chunk({ choices: [{ index: 0, delta: { content: event.text }, finish_reason: null }] })));
          continue;
        }
        response.write(serializeSseData(chunk({ choices: [{ index: 0, delta: {}, finish_reason: event.finishReason === 'length' ? 'length' : 'stop' }] })));
        if (request.stream_options?.include_usage) {
          const usage = { prompt_tokens: event.usage.promptTokens, completion_tokens: event.usage.completionTokens, total_tokens: event.usage.promptTokens + event.usage.completionTokens };
          response.write(serializeSseData(chunk({ choices: [], usage })));
        }
      }
      response.end(serializeSseData('[DONE]'));
    } catch (error) {
      // Headers are gone; the best a stream can do is say so in-band and stop.
      response.end(serializeSseData({ error: { message: (error as Error).message, type: 'server_error' } }));
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
