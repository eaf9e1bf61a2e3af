import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  HashEmbedder,
  OpenAICompatibleChatModel,
  OpenAICompatibleEmbedder,
  OpenAICompatibleReranker,
  completeChat,
  type ChatEvent,
} from '../../../app/core/models/index.js';
import { handleOpenAIRequest } from '../../../app/server/openai-api.js';
import { ScriptedChatModel, WordOverlapReranker } from '../../fixtures/scripted-models.js';

/** Hearth's own OpenAI-compatible API in this process, with faults a test can switch on. */
let server: http.Server;
let url: string;
let chat: ScriptedChatModel;
const embedder = new HashEmbedder({ dimensions: 64 });
let faults: { status: number; times: number; retryAfter?: string }[];
let hang = false;
let requests = 0;

beforeEach(async () => {
  chat = new ScriptedChatModel((request) => `You said: ${request.messages.at(-1)!.content}`, { pieceDelayMs: 2 });
  faults = [];
  hang = false;
  requests = 0;
  server = http.createServer((request, response) => {
    requests++;
    if (hang) return; // never answer
    const fault = faults[0];
    if (fault && fault.times > 0) {
      fault.times--;
      if (fault.times === 0) faults.shift();
      response.writeHead(fault.status, { 'Content-Type': 'application/json', ...(fault.retryAfter ? { 'Retry-After': fault.retryAfter } : {}) });
      response.end(JSON.stringify({ error: { message: `injected ${fault.status}` } }));
      return;
    }
    const models = {
      chat: (name: string) => (name === 'scripted' ? chat : undefined),
      embedder: (name: string) => (name === 'hash' ? embedder : undefined),
      reranker: (name: string) => (name === 'overlap' ? new WordOverlapReranker() : undefined),
    };
    void handleOpenAIRequest(models, request, response).then((handled) => {
      if (!handled) response.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});

afterEach(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('a remote OpenAI-compatible server', () => {
  it('streams a chat reply over SSE with token usage', async () => {
    const model = new OpenAICompatibleChatModel({ url, model: 'scripted' });
    const events: ChatEvent[] = [];
    for await (const event of model.chat({ messages: [{ role: 'user', content: 'hello there' }], maxTokens: 50 })) events.push(event);
    const deltas = events.filter((event) => event.type === 'delta');
    expect(deltas.length).toBeGreaterThan(3);
    expect(deltas.map((event) => event.text).join('')).toBe('You said: hello there');
    expect(events.at(-1)).toEqual({ type: 'done', finishReason: 'stop', usage: { promptTokens: 3, completionTokens: deltas.length } });
  });

  it('asks for JSON with the schema as response_format, or as vLLM guided_json', async () => {
    const schema = { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] };
    await completeChat(new OpenAICompatibleChatModel({ url, model: 'scripted' }), { messages: [{ role: 'user', content: 'x' }], jsonSchema: schema });
    await completeChat(new OpenAICompatibleChatModel({ url, model: 'scripted', jsonMode: 'guided_json' }), {
      messages: [{ role: 'user', content: 'x' }],
      jsonSchema: schema,
    });
    expect(chat.requests.map((request) => request.jsonSchema)).toEqual([schema, schema]);
  });

  it('stops the server generating when the caller cancels', async () => {
    chat = new ScriptedChatModel(() => 'word '.repeat(400), { pieceDelayMs: 5 });
    const model = new OpenAICompatibleChatModel({ url, model: 'scripted' });
    const controller = new AbortController();
    const events: ChatEvent[] = [];
    for await (const event of model.chat({ messages: [{ role: 'user', content: 'go' }] }, { signal: controller.signal })) {
      events.push(event);
      if (events.length === 3) controller.abort();
    }
    expect(events.at(-1)).toMatchObject({ type: 'done', finishReason: 'cancelled' });
    expect(events.length).toBeLessThan(10);
    await expect.poll(() => chat.cancelled, { timeout: 2000 }).toBe(1);
  });

  it('retries 429 and 5xx with backoff, honouring Retry-After, then succeeds', async () => {
    faults = [
      { status: 429, times: 1, retryAfter: '0' },
      { status: 503, times: 1 },
    ];
    const reply = await completeChat(new OpenAICompatibleChatModel({ url, model: 'scripted', retries: 3 }), {
      messages: [{ role: 'user', content: 'again' }],
    });
    expect(reply.text).toBe('You said: again');
    expect(requests).toBe(3);
  });

  it('gives up with REMOTE_ERROR naming the server and its message', async () => {
    faults = [{ status: 500, times: 10 }];
    const model = new OpenAICompatibleChatModel({ url, model: 'scripted', retries: 1 });
    await expect(completeChat(model, { messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({
      code: 'REMOTE_ERROR',
      message: `${url}/chat/completions answered 500: injected 500`,
    });
    expect(requests).toBe(2);

    faults = [];
    const unknown = new OpenAICompatibleChatModel({ url, model: 'nope' });
    await expect(completeChat(unknown, { messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({
      code: 'REMOTE_ERROR',
      message: expect.stringContaining('404: No chat model "nope" here.'),
    });
  });

  it('times out a server that never answers, and reports one that is not there', async () => {
    hang = true;
    const slow = new OpenAICompatibleChatModel({ url, model: 'scripted', timeoutMs: 150, retries: 1 });
    await expect(completeChat(slow, { messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({ code: 'TIMEOUT' });
    expect(requests).toBe(2);

    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const gone = new OpenAICompatibleChatModel({ url: `http://127.0.0.1:${port}/v1`, model: 'x', retries: 0 });
    await expect(completeChat(gone, { messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({
      code: 'REMOTE_ERROR',
      message: `Cannot reach http://127.0.0.1:${port}/v1/chat/completions: ECONNREFUSED.`,
    });
  });

  it('embeds in input order and normalizes', async () => {
    const remote = new OpenAICompatibleEmbedder({ url, model: 'hash' });
    const texts = ['alpha beta', 'gamma delta', 'привет мир'];
    const vectors = await remote.embed(texts);
    const local = await embedder.embed(texts);
    expect(remote.dimensions).toBe(64);
    vectors.forEach((vector, i) => {
      expect(Array.from(vector).map((v) => v.toFixed(5))).toEqual(Array.from(local[i]!).map((v) => v.toFixed(5)));
    });
  });

  it('reranks through /rerank with scores in the passages order', async () => {
    const reranker = new OpenAICompatibleReranker({ url, model: 'overlap' });
    expect(await reranker.rerank('train refund', ['hotel cap', 'refund for a train ticket', 'train'])).toEqual([0, 2, 1]);
  });
});
