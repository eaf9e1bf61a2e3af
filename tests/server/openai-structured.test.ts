/**
 * Hearth's /v1 with `response_format: json_schema`, judged by the official `openai` client: the tiny GGUF,
 * held by the grammar compiled from a schema that uses what node-llama-cpp's own converter drops (a
 * pattern, a format, array bounds), answers JSON that validates, whole or streamed; a schema that is not
 * usable is a 400 naming its pointer; and, with a scripted model behind, a whole completion is repaired,
 * one that never validates is a 422 with the errors, and a stream that does not validate ends in an error
 * the client raises. Needs the worker built: npm run build:node.
 */
import path from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalLlamaChatModel } from '../../app/core/models/index.js';
import { jsonValidator } from '../../app/core/sgr/index.js';
import { writeTinyLlama } from '../fixtures/models/tiny-llama.js';
import { ScriptedChatModel, type ScriptedTurn } from '../fixtures/scripted-models.js';
import { makeTempDir } from '../fixtures/temp-dir.js';
import { startV1Server, type V1Server } from '../core/models/v1-server.js';

/** Bounded everywhere: random weights write strings up to their limit. */
const ticket = {
  type: 'object',
  properties: {
    code: { type: 'string', pattern: '^[A-Z]{3}-[0-9]{2}$', description: 'The ticket code, like ABC-12.' },
    day: { type: 'string', format: 'date', description: 'The day it is due.' },
    level: { enum: ['low', 'high'] },
    tags: { type: 'array', items: { type: 'string', maxLength: 5 }, minItems: 1, maxItems: 2 },
  },
  required: ['code', 'day', 'level', 'tags'],
  additionalProperties: false,
};
const validTicket = jsonValidator(ticket);
const goodTicket = { code: 'ABC-12', day: '2026-03-02', level: 'low', tags: ['io'] };

let cleanup: (() => Promise<void>) | undefined;
let tiny: LocalLlamaChatModel;
let scripted: ScriptedChatModel;
/** What the scripted model writes next, by request. */
let script: (turn: number) => ScriptedTurn;
let server: V1Server;
let client: OpenAI;

beforeAll(async () => {
  const temp = await makeTempDir('hearth-v1-structured-');
  cleanup = temp.cleanup;
  const file = path.join(temp.dir, 'tiny-llama.gguf');
  await writeTinyLlama(file, { seed: 7 });
  tiny = await LocalLlamaChatModel.load({ kind: 'local', path: 'tiny-llama.gguf', absolutePath: file, format: 'gguf' }, { threads: 1, sequences: 1 });
  scripted = new ScriptedChatModel(() => script(scripted.requests.length));
  server = await startV1Server({ tiny, scripted });
  client = new OpenAI({ baseURL: server.url, apiKey: 'not-needed-locally', maxRetries: 0 });
});

afterAll(async () => {
  await server?.close();
  await tiny?.dispose();
  await cleanup?.();
});

const asked = { messages: [{ role: 'user' as const, content: 'Open a ticket as JSON.' }], response_format: { type: 'json_schema' as const, json_schema: { name: 'ticket', schema: ticket, strict: true } } };

describe("Hearth's /v1 with a json_schema response format", () => {
  it('gets JSON from the tiny GGUF that validates, in a whole completion and in a stream', async () => {
    const completion = await client.chat.completions.create({ model: 'tiny', ...asked, max_tokens: 200, temperature: 0.8, seed: 3 });
    const whole: unknown = JSON.parse(completion.choices[0]!.message.content!);
    expect(validTicket(whole)).toEqual([]);
    expect(completion.choices[0]!.finish_reason).toBe('stop');

    const stream = await client.chat.completions.create({ model: 'tiny', ...asked, max_tokens: 200, temperature: 0.8, seed: 4, stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(validTicket(JSON.parse(text))).toEqual([]);
  });

  it('refuses a schema that is not usable with a 400 naming the pointer, streamed or not', async () => {
    const broken = { ...asked, response_format: { type: 'json_schema' as const, json_schema: { name: 'broken', schema: { type: 'object', properties: { n: { type: 'integr' } } } } } };
    for (const stream of [false, true]) {
      const failure = await client.chat.completions.create({ model: 'tiny', ...broken, stream }).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(OpenAI.BadRequestError);
      expect(failure).toMatchObject({ status: 400, param: 'response_format', code: 'schema_invalid', message: expect.stringContaining('/properties/n/type') });
    }
  });

  it('repairs a whole completion: the model is shown its output and the errors', async () => {
    const before = scripted.requests.length;
    script = (turn) => JSON.stringify(turn === before + 1 ? { ...goodTicket, code: 'abc' } : goodTicket);
    const completion = await client.chat.completions.create({ model: 'scripted', ...asked });
    expect(JSON.parse(completion.choices[0]!.message.content!)).toEqual(goodTicket);
    const repair = scripted.requests[before + 1]!;
    expect(repair.messages.at(-2)).toEqual({ role: 'assistant', content: JSON.stringify({ ...goodTicket, code: 'abc' }) });
    expect(repair.messages.at(-1)!.content).toMatch(/- \/code: must match pattern/);
  });

  it('answers 422 with the errors when the output never validates', async () => {
    script = () => JSON.stringify({ ...goodTicket, level: 'medium' });
    const failure = await client.chat.completions.create({ model: 'scripted', ...asked }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(OpenAI.UnprocessableEntityError);
    expect(failure).toMatchObject({
      status: 422,
      code: 'output_invalid',
      message: expect.stringContaining('/level: must be equal to one of the allowed values'),
      error: { errors: [expect.stringMatching(/^\/level: /)], raw: JSON.stringify({ ...goodTicket, level: 'medium' }) },
    });
  });

  it('ends a stream that does not validate with an error the client raises, not a finish', async () => {
    script = () => JSON.stringify({ ...goodTicket, tags: [] });
    const stream = await client.chat.completions.create({ model: 'scripted', ...asked, stream: true });
    let text = '';
    let finish: string | null | undefined;
    const failure = await (async () => {
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta.content ?? '';
        finish = chunk.choices[0]?.finish_reason ?? finish;
      }
    })().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(text).toBe(JSON.stringify({ ...goodTicket, tags: [] }));
    expect(finish).toBeUndefined();
    expect(failure).toBeInstanceOf(OpenAI.APIError);
    expect(failure).toMatchObject({ code: 'output_invalid', message: expect.stringContaining('/tags: must NOT have fewer than 1 items') });
  });
  it('with tools offered, passes a turn of tool calls through and still validates an answer given instead', async () => {
    const tools = [{ type: 'function' as const, function: { name: 'lookup', description: 'Finds a ticket.', parameters: { type: 'object', properties: { code: { type: 'string' } } } } }];
    script = () => [{ type: 'tool-call', name: 'lookup', input: { code: 'ABC-12' } }, { type: 'finish', reason: 'tool-calls' }];
    const called = await client.chat.completions.create({ model: 'scripted', ...asked, tools });
    expect(called.choices[0]!.message.tool_calls?.[0]).toMatchObject({ function: { name: 'lookup' } });

    script = () => JSON.stringify({ ...goodTicket, level: 'medium' });
    const failure = await client.chat.completions.create({ model: 'scripted', ...asked, tools }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toMatchObject({ status: 422, code: 'output_invalid', message: expect.stringContaining('/level: must be equal to one of the allowed values') });
  });
});
