/**
 * The remote provider against Hearth's own /v1 in this process, with a scripted model behind it and faults
 * a test can switch on: streaming, tools on the wire, JSON output, cancellation, retries and refusals.
 * The contract every ChatModel keeps is in chat-model.contract.test.ts.
 */
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
  type ChatMessage,
} from '../../../app/core/models/index.js';
import { fixedModels, handleOpenAIRequest } from '../../../app/server/openai-api.js';
import { ScriptedChatModel, WordOverlapReranker } from '../../fixtures/scripted-models.js';

/** Hearth's own OpenAI-compatible API in this process, with faults a test can switch on. */
let server: http.Server;
let url: string;
let chat: ScriptedChatModel;
const embedder = new HashEmbedder({ dimensions: 64 });
let faults: { status: number; times: number; retryAfter?: string; body?: string }[];
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
      if (fault.body !== undefined) {
        // A server that answers in its own way (what another engine streams), given as the SSE text.
        response.writeHead(fault.status, { 'Content-Type': 'text/event-stream' }).end(fault.body);
        return;
      }
      response.writeHead(fault.status, { 'Content-Type': 'application/json', ...(fault.retryAfter ? { 'Retry-After': fault.retryAfter } : {}) });
      response.end(JSON.stringify({ error: { message: `injected ${fault.status}` } }));
      return;
    }
    const models = fixedModels({ chat: { scripted: chat }, embed: { hash: embedder }, rerank: { overlap: new WordOverlapReranker() } });
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
    const deltas = events.flatMap((event) => (event.type === 'text' ? [event] : []));
    expect(deltas.length).toBeGreaterThan(3);
    expect(deltas.map((event) => event.text).join('')).toBe('You said: hello there');
    expect(events.at(-1)).toEqual({
      type: 'finish',
      reason: 'stop',
      usage: { promptTokens: 3, completionTokens: deltas.length, timeToFirstTokenMs: expect.any(Number) },
    });
  });

  it('asks for JSON with the schema as response_format, or as vLLM guided_json, without the $schema key', async () => {
    chat = new ScriptedChatModel(() => '{"ok": true}');
    const schema = { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] };
    const fromZod = { $schema: 'https://json-schema.org/draft/2020-12/schema', ...schema };
    const asked = { messages: [{ role: 'user' as const, content: 'x' }], responseFormat: { schema: fromZod, name: 'verdict' } };
    expect(await completeChat(new OpenAICompatibleChatModel({ url, model: 'scripted' }), asked)).toMatchObject({ text: '{"ok": true}', warnings: [] });
    await completeChat(new OpenAICompatibleChatModel({ url, model: 'scripted', jsonMode: 'guided_json' }), asked);
    expect(chat.requests.map((request) => request.responseFormat)).toEqual([{ schema, name: 'verdict' }, { schema }]);
  });

  it('says so when a server answers a response format with text that is not JSON', async () => {
    // Another engine, which takes the format and ignores it.
    const chunk = (delta: unknown, finish: string | null = null) => `data: ${JSON.stringify({ choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
    faults = [{ status: 200, times: 1, body: chunk({ role: 'assistant', content: 'Sure! Here it is.' }) + chunk({}, 'stop') + 'data: [DONE]\n\n' }];
    const reply = await completeChat(new OpenAICompatibleChatModel({ url, model: 'other-engine' }), {
      messages: [{ role: 'user', content: 'x' }],
      responseFormat: { schema: { type: 'object' } },
    });
    expect(reply.text).toBe('Sure! Here it is.');
    expect(reply.warnings).toEqual([expect.stringMatching(new RegExp(`^The reply is not valid JSON .*, although a response format was asked for\\. ${url} did not apply it\\.$`))]);
  });

  it("hears from Hearth's own /v1, which validates what it streams, that the reply did not match: OUTPUT_INVALID with the errors", async () => {
    chat = new ScriptedChatModel(() => '{"ok": "yes"}');
    const reply = completeChat(new OpenAICompatibleChatModel({ url, model: 'scripted' }), {
      messages: [{ role: 'user', content: 'x' }],
      responseFormat: { schema: { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] } },
    });
    await expect(reply).rejects.toMatchObject({ code: 'OUTPUT_INVALID', details: { errors: ['/ok: must be boolean'], lastOutput: '{"ok": "yes"}' } });
  });

  it('sends tools, the tool choice and earlier calls with their results, and reads the call streamed back', async () => {
    chat = new ScriptedChatModel((request) =>
      request.messages.at(-1)!.role === 'tool'
        ? 'It is 21 degrees.'
        : [
            { type: 'text', text: 'Let me look. ' },
            { type: 'tool-call', id: 'call_7', name: 'lookup_weather', input: { city: 'Oslo', days: [1, 2] } },
          ],
    );
    const model = new OpenAICompatibleChatModel({ url, model: 'scripted' });
    const tools = [{ name: 'lookup_weather', description: 'Weather by city', inputSchema: { type: 'object', properties: { city: { type: 'string' } } } }];
    const messages: ChatMessage[] = [{ role: 'user', content: 'Weather in Oslo?' }];
    const first = await completeChat(model, { messages, tools, toolChoice: { tool: 'lookup_weather' } });
    expect(first).toMatchObject({ text: 'Let me look. ', toolCalls: [{ id: 'call_7', name: 'lookup_weather', input: { city: 'Oslo', days: [1, 2] } }], finishReason: 'tool-calls' });
    expect(chat.requests[0]).toMatchObject({ tools, toolChoice: { tool: 'lookup_weather' } });

    const second = await completeChat(model, {
      messages: [...messages, { role: 'assistant', content: first.text, toolCalls: first.toolCalls }, { role: 'tool', toolCallId: 'call_7', toolName: 'lookup_weather', content: '{"c":21}' }],
      tools,
      toolChoice: 'none',
    });
    expect(second).toMatchObject({ text: 'It is 21 degrees.', toolCalls: [], finishReason: 'stop' });
    expect(chat.requests[1]!.messages.slice(1)).toEqual([
      { role: 'assistant', content: 'Let me look. ', toolCalls: [{ id: 'call_7', name: 'lookup_weather', input: { city: 'Oslo', days: [1, 2] } }] },
      { role: 'tool', toolCallId: 'call_7', toolName: 'lookup_weather', content: '{"c":21}' },
    ]);
  });

  it('joins tool calls streamed in pieces by their index, and reports arguments that are not JSON instead of dropping them', async () => {
    const chunk = (delta: unknown, finish: string | null = null) => `data: ${JSON.stringify({ choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
    const body =
      chunk({ role: 'assistant', tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'lookup_weather', arguments: '' } }] }) +
      chunk({ tool_calls: [{ index: 1, id: 'call_b', type: 'function', function: { name: 'lookup_weather', arguments: '{"city": "Ber' } }] }) +
      chunk({ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }) +
      chunk({ tool_calls: [{ index: 0, function: { arguments: ' "Oslo"}' } }] }) +
      chunk({}, 'tool_calls') +
      `data: ${JSON.stringify({ choices: [], usage: { prompt_tokens: 40, completion_tokens: 12, prompt_tokens_details: { cached_tokens: 32 } } })}\n\n` +
      'data: [DONE]\n\n';
    faults = [{ status: 200, times: 1, body }];
    const reply = await completeChat(new OpenAICompatibleChatModel({ url, model: 'other-engine' }), { messages: [{ role: 'user', content: 'x' }] });
    expect(reply.toolCalls).toEqual([{ id: 'call_a', name: 'lookup_weather', input: { city: 'Oslo' } }]);
    expect(reply.warnings).toEqual([expect.stringMatching(/^The model called "lookup_weather" \(call_b\) with arguments that are not JSON/)]);
    expect(reply.finishReason).toBe('tool-calls');
    expect(reply.usage).toMatchObject({ promptTokens: 40, completionTokens: 12, cachedPromptTokens: 32 });
  });

  it("passes on the warnings of the server's model", async () => {
    chat = new ScriptedChatModel(() => [
      { type: 'warning', message: 'The grammar cannot enforce pattern at /properties/code.' },
      { type: 'text', text: 'ok' },
    ]);
    const reply = await completeChat(new OpenAICompatibleChatModel({ url, model: 'scripted' }), { messages: [{ role: 'user', content: 'x' }] });
    expect(reply).toMatchObject({ text: 'ok', warnings: ['The grammar cannot enforce pattern at /properties/code.'] });
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
    expect(events.at(-1)).toMatchObject({ type: 'finish', reason: 'cancelled' });
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
      message: expect.stringContaining('404: No chat model "nope" here; this server serves: scripted.'),
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
