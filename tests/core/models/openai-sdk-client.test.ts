/**
 * The official `openai` client against Hearth's own /v1, backed by the tiny GGUF in its worker: a chat
 * completion, a streamed one, a tool call round trip and a structured output. A real client judges the
 * wire format, not our own reading of it. Needs the worker built: npm run build:node.
 */
import path from 'node:path';
import OpenAI from 'openai';
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalLlamaChatModel } from '../../../app/core/models/index.js';
import { writeTinyLlama } from '../../fixtures/models/tiny-llama.js';
import { makeTempDir } from '../../fixtures/temp-dir.js';
import { Note, noteFormat, weatherTool, WeatherInput } from './chat-model-contract.js';
import { startV1Server, type V1Server } from './v1-server.js';

let cleanup: (() => Promise<void>) | undefined;
let model: LocalLlamaChatModel;
let server: V1Server;
let client: OpenAI;

beforeAll(async () => {
  const temp = await makeTempDir('hearth-openai-sdk-');
  cleanup = temp.cleanup;
  const file = path.join(temp.dir, 'tiny-llama.gguf');
  await writeTinyLlama(file, { seed: 7 });
  model = await LocalLlamaChatModel.load({ kind: 'local', path: 'tiny-llama.gguf', absolutePath: file, format: 'gguf' }, { threads: 1, sequences: 1 });
  server = await startV1Server({ tiny: model });
  client = new OpenAI({ baseURL: server.url, apiKey: 'not-needed-locally', maxRetries: 0 });
});

afterAll(async () => {
  await server?.close();
  await model?.dispose();
  await cleanup?.();
});

const question: ChatCompletionMessageParam[] = [
  { role: 'system', content: 'Be brief.' },
  { role: 'user', content: 'What is the weather in Oslo today?' },
];

const lookupWeather: ChatCompletionTool = {
  type: 'function',
  function: { name: weatherTool.name, description: weatherTool.description!, parameters: weatherTool.inputSchema },
};

describe("the official openai client against Hearth's /v1", () => {
  it('gets a chat completion with its usage', async () => {
    const completion = await client.chat.completions.create({ model: 'tiny', messages: question, max_tokens: 16, seed: 1 });
    const [choice] = completion.choices;
    expect(choice!.message.role).toBe('assistant');
    expect(choice!.message.content!.length).toBeGreaterThan(0);
    expect(['stop', 'length']).toContain(choice!.finish_reason);
    expect(completion.usage!.prompt_tokens).toBeGreaterThan(0);
    expect(completion.usage!.completion_tokens).toBeGreaterThan(0);
    expect(completion.usage!.prompt_tokens_details?.cached_tokens).toEqual(expect.any(Number));
  });

  it('streams a chat completion, the usage last', async () => {
    const stream = await client.chat.completions.create({ model: 'tiny', messages: question, max_tokens: 16, seed: 1, stream: true, stream_options: { include_usage: true } });
    let text = '';
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      usage = chunk.usage ?? usage;
    }
    expect(text.length).toBeGreaterThan(0);
    expect(['stop', 'length']).toContain(finish);
    expect(usage?.completion_tokens).toBeGreaterThan(0);
  });

  it('calls a tool in a stream the client assembles, and answers once the result is sent back', async () => {
    const stream = client.chat.completions.stream({
      model: 'tiny',
      messages: question,
      tools: [lookupWeather],
      tool_choice: { type: 'function', function: { name: weatherTool.name } },
      max_tokens: 120,
      temperature: 0.8,
      seed: 5,
    });
    const called = await stream.finalChatCompletion();
    const [choice] = called.choices;
    expect(choice!.finish_reason).toBe('tool_calls');
    const [call] = choice!.message.tool_calls ?? [];
    expect(call?.type === 'function' && call.function.name).toBe(weatherTool.name);
    const input: unknown = JSON.parse(call?.type === 'function' ? call.function.arguments : '');
    expect(WeatherInput.parse(input)).toEqual(input);

    const answered = await client.chat.completions.create({
      model: 'tiny',
      messages: [...question, choice!.message, { role: 'tool', tool_call_id: call!.id, content: JSON.stringify({ temperature: 21 }) }],
      tools: [lookupWeather],
      tool_choice: 'none',
      max_tokens: 16,
    });
    expect(answered.choices[0]!.message.tool_calls ?? []).toEqual([]);
    expect(answered.choices[0]!.message.content!.length).toBeGreaterThan(0);
    expect(['stop', 'length']).toContain(answered.choices[0]!.finish_reason);
  });

  it('gets structured output that matches a json_schema response format', async () => {
    const completion = await client.chat.completions.create({
      model: 'tiny',
      messages: [{ role: 'user', content: 'Write a note about today as JSON.' }],
      response_format: { type: 'json_schema', json_schema: { name: 'note', schema: noteFormat, strict: true } },
      max_tokens: 200,
      temperature: 0.8,
      seed: 2,
    });
    const parsed: unknown = JSON.parse(completion.choices[0]!.message.content!);
    expect(Note.parse(parsed)).toEqual(parsed);
  });
});
