/**
 * The SGR pipeline end to end, short of a real LLM (the tiny GGUF is in tests/server/openai-structured.test.ts
 * and tests/core/sgr/local-templates.test.ts): the field descriptions in the prompt, once, whichever side
 * writes them; a user's JSON Schema validated by ajv and refused with its pointer when unusable; and remote
 * models — Hearth's own /v1 behind the OpenAI-compatible provider, a Hearth server's validation failure
 * repaired by the client, and a server that refuses `response_format`, asked again the vLLM way and
 * remembered.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { builtInTemplates } from '../../../schemas/reports/index.js';
import { OpenAICompatibleChatModel, type ChatRequest } from '../../../app/core/models/index.js';
import { describeFields, generateStructured, type StructuredStep } from '../../../app/core/sgr/index.js';
import { ScriptedChatModel, type ScriptedTurn } from '../../fixtures/scripted-models.js';
import { startV1Server, type V1Server } from '../models/v1-server.js';

const summarySchema = builtInTemplates.summary.schema({ evidenceCount: 2 });
const summary = { title: 'Travel rules', keyPoints: [{ text: 'Trains are refunded.', citations: [1] }] };
const ask = [{ role: 'user' as const, content: 'Summarise the passages.' }];

/** How often a text occurs in all of a request's messages. */
const occurrences = (request: ChatRequest, text: string) => request.messages.reduce((count, message) => count + message.content.split(text).length - 1, 0);

const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function v1(model: ScriptedChatModel): Promise<V1Server> {
  const server = await startV1Server({ behind: model });
  servers.push(server);
  return server;
}

describe('the prompt of a structured request', () => {
  it('describes each definition once, however often it is referred to: no schema can make the note explode', () => {
    // 30 definitions, each referring to the next twice: followed naively, 2^30 visits.
    const $defs: Record<string, Record<string, unknown>> = Object.fromEntries(
      Array.from({ length: 30 }, (_, i) => [`d${i}`, { description: `level ${i}`, type: 'object', properties: { a: { $ref: `#/$defs/d${i + 1}` }, b: { $ref: `#/$defs/d${i + 1}` } } }]),
    );
    $defs.d30 = { description: 'the bottom', type: 'string' };
    const note = describeFields({ $ref: '#/$defs/d0', $defs });
    const lines = note.split('\n').slice(1);
    expect(lines).toHaveLength(31);
    expect(lines[0]).toBe('- (the whole reply): level 0');
    expect(lines.at(-1)).toMatch(/^- a(\.a)*: the bottom$/);
  });

  it("carries the schema's field descriptions once, after the caller's system text, and the schema as the response format", async () => {
    const model = new ScriptedChatModel(() => JSON.stringify(summary));
    await generateStructured({ model, schema: { zod: summarySchema, name: 'summary' }, system: 'Use only the passages.', messages: ask });

    const [request] = model.requests;
    const note = describeFields(z.toJSONSchema(summarySchema) as Record<string, unknown>);
    expect(note).toContain('- keyPoints[].text: One key point, in a sentence.');
    expect(note).toContain('- keyPoints[].citations[]: The number of a passage this rests on, 1 to 2');
    expect(request!.messages[0]).toEqual({ role: 'system', content: `Use only the passages.\n\n${note}` });
    expect(request!.messages.slice(1)).toEqual(ask);
    expect(request!.responseFormat!.name).toBe('summary');
    expect(request!.responseFormat!.schema).not.toHaveProperty('$schema');
    expect(request!.responseFormat!.schema).toMatchObject({ type: 'object', required: ['title', 'keyPoints'], additionalProperties: false });

    // A request that already holds the note (a Hearth client's, arriving at a Hearth server) is not given it again.
    await generateStructured({ model, schema: { zod: summarySchema }, messages: request!.messages });
    expect(occurrences(model.requests[1]!, note)).toBe(1);
  });
});

describe("a user's JSON Schema", () => {
  const risk = {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    type: 'object',
    properties: {
      risk: { type: 'string', minLength: 1, description: 'What could go wrong.' },
      level: { enum: ['low', 'high'], description: 'How bad it would be.' },
      owners: { type: 'array', items: { type: 'string', format: 'email' }, minItems: 1 },
    },
    required: ['risk', 'level', 'owners'],
    additionalProperties: false,
  };

  it('is validated by ajv, its errors repaired', async () => {
    const turns = [
      { risk: 'Late supplier', level: 'medium', owners: ['anna@example.org'] },
      { risk: 'Late supplier', level: 'high', owners: ['anna'] },
      { risk: 'Late supplier', level: 'high', owners: ['anna@example.org'] },
    ];
    const model = new ScriptedChatModel((): ScriptedTurn => JSON.stringify(turns[model.requests.length - 1]));
    const steps: StructuredStep[] = [];
    const result = await generateStructured({ model, schema: { json: risk, name: 'Risk register' }, messages: ask, onStep: (step) => steps.push(step) });

    expect(result).toMatchObject({ value: turns[2], repairs: 2 });
    expect(steps.flatMap((step) => (step.type === 'repairing' ? step.errors : []))).toEqual([
      expect.stringMatching(/^\/level: must be equal to one of the allowed values/),
      expect.stringMatching(/^\/owners\/0: must match format "email"/),
    ]);
    expect(model.requests[0]!.messages[0]!.content).toContain('- level: How bad it would be.');
    expect(model.requests[0]!.responseFormat).toEqual({ name: 'Risk register', schema: (({ $schema: _, ...rest }) => rest)(risk) });
  });

  it('is refused before the model is asked when it is not a usable schema, naming the pointer', async () => {
    const model = new ScriptedChatModel(() => '{}');
    const broken = { type: 'object', properties: { level: { type: 'strin' } } };
    await expect(generateStructured({ model, schema: { json: broken, name: 'broken' }, messages: ask })).rejects.toMatchObject({
      code: 'SCHEMA_INVALID',
      message: expect.stringContaining('/properties/level/type'),
      details: { pointer: '/properties/level/type' },
    });
    const impossible = { type: 'object', properties: { tags: { type: 'array', minItems: 3, maxItems: 1 } }, required: ['tags'] };
    await expect(generateStructured({ model, schema: { json: impossible }, messages: ask })).rejects.toMatchObject({
      code: 'SCHEMA_INVALID',
      details: { pointer: expect.stringMatching(/^\/properties\/tags/) },
    });
    expect(model.requests).toEqual([]);
  });
});

describe('a remote model', () => {
  it("gets the schema as response_format through Hearth's /v1, whose own pipeline adds no second note", async () => {
    const behind = new ScriptedChatModel(() => JSON.stringify(summary));
    const server = await v1(behind);
    const remote = new OpenAICompatibleChatModel({ url: server.url, model: 'behind', retries: 0 });
    const result = await generateStructured({ model: remote, schema: { zod: summarySchema, name: 'summary' }, messages: ask });

    expect(result).toMatchObject({ value: summary, repairs: 0, warnings: [] });
    const note = describeFields(z.toJSONSchema(summarySchema) as Record<string, unknown>);
    expect(occurrences(behind.requests[0]!, note)).toBe(1);
    expect(behind.requests[0]!.responseFormat).toMatchObject({ name: 'summary', schema: { type: 'object' } });
  });

  it("repairs what a Hearth server refused to pass as valid: the server's errors become the client's repair round", async () => {
    const wrong = { title: 'Travel rules', keyPoints: [{ text: 'Trains are refunded.', citations: [5] }] };
    const behind = new ScriptedChatModel((): ScriptedTurn => JSON.stringify(behind.requests.length === 1 ? wrong : summary));
    const server = await v1(behind);
    const remote = new OpenAICompatibleChatModel({ url: server.url, model: 'behind', retries: 0 });
    const steps: StructuredStep[] = [];
    // The server validates against the JSON Schema (ajv); the client against the zod template.
    const result = await generateStructured({ model: remote, schema: { zod: summarySchema }, messages: ask, onStep: (step) => steps.push(step) });

    expect(result).toMatchObject({ value: summary, repairs: 1 });
    expect(steps[2]).toEqual({ type: 'repairing', round: 1, errors: [expect.stringMatching(/^\/keyPoints\/0\/citations\/0: must be <= 2/)] });
    expect(behind.requests[1]!.messages.at(-2)).toEqual({ role: 'assistant', content: JSON.stringify(wrong) });
  });

  it("asks a server that refuses response_format again with vLLM's structured_outputs, and from then on", async () => {
    const behind = new ScriptedChatModel(() => JSON.stringify(summary));
    const server = await v1(behind);
    const proxy = await refusingProxy(server.url, (body) => ('response_format' in body ? 'response_format: json_schema is not supported by this server' : undefined));
    const remote = new OpenAICompatibleChatModel({ url: proxy.url, model: 'behind', retries: 0 });
    const request = { model: remote, schema: { zod: summarySchema, name: 'summary' }, messages: ask };

    const first = await generateStructured(request);
    expect(first.value).toEqual(summary);
    expect(first.warnings).toEqual([expect.stringMatching(/refused response_format .*not supported by this server.*; the schema went as vLLM's structured_outputs instead, as it will from now on\.$/)]);
    const second = await generateStructured(request);
    expect(second).toMatchObject({ value: summary, warnings: [] });

    expect(proxy.seen.map((body) => Object.keys(body).filter((key) => key === 'response_format' || key === 'structured_outputs'))).toEqual([
      ['response_format'],
      ['structured_outputs'],
      ['structured_outputs'],
    ]);
    expect(proxy.seen[0]!.response_format).toMatchObject({ type: 'json_schema', json_schema: { name: 'summary', strict: true } });
    expect(proxy.seen[1]!.structured_outputs).toEqual({ json: proxy.seen[0]!.response_format!.json_schema.schema });
  });

  it('asks the other way for this request only when the server refused the schema, not the field', async () => {
    const behind = new ScriptedChatModel(() => JSON.stringify(summary));
    const server = await v1(behind);
    let refusals = 1;
    const proxy = await refusingProxy(server.url, (body) =>
      'response_format' in body && refusals-- > 0 ? "Invalid schema for response_format 'summary': 'format' is not permitted" : undefined,
    );
    const remote = new OpenAICompatibleChatModel({ url: proxy.url, model: 'behind', retries: 0 });
    const request = { model: remote, schema: { zod: summarySchema, name: 'summary' }, messages: ask };

    const first = await generateStructured(request);
    expect(first.warnings).toEqual([expect.stringMatching(/the schema went as vLLM's structured_outputs instead, for this request\.$/)]);
    await generateStructured(request);
    expect(proxy.seen.map((body) => Object.keys(body).filter((key) => key === 'response_format' || key === 'structured_outputs'))).toEqual([
      ['response_format'],
      ['structured_outputs'],
      ['response_format'],
    ]);
  });

  it('says plainly when a server takes the schema neither way', async () => {
    const server = await v1(new ScriptedChatModel(() => JSON.stringify(summary)));
    const proxy = await refusingProxy(server.url, (body) =>
      'response_format' in body ? 'Unsupported response_format type' : 'structured_outputs' in body ? 'Unknown field structured_outputs' : undefined,
    );
    const remote = new OpenAICompatibleChatModel({ url: proxy.url, model: 'behind', retries: 0 });
    await expect(generateStructured({ model: remote, schema: { zod: summarySchema }, messages: ask })).rejects.toMatchObject({
      code: 'REMOTE_ERROR',
      message: expect.stringMatching(/refused the output schema both as response_format \(.*Unsupported response_format type\) and as vLLM's structured_outputs \(.*Unknown field structured_outputs\)/),
    });
  });

  it('sends a schema outside strict mode (an optional field) as non-strict, and a name OpenAI accepts', async () => {
    const agenda = { title: 'Planning', date: '2026-03-02', participants: [{ name: 'Anna' }], items: [{ topic: 'Budget', owner: 'Anna', minutes: 20, decisionNeeded: false }] };
    const server = await v1(new ScriptedChatModel(() => JSON.stringify(agenda)));
    const proxy = await refusingProxy(server.url, () => undefined);
    const remote = new OpenAICompatibleChatModel({ url: proxy.url, model: 'behind', retries: 0 });
    const schema = builtInTemplates['meeting-agenda'].schema({ evidenceCount: 2 });
    await generateStructured({ model: remote, schema: { zod: schema, name: 'Meeting agenda (weekly)' }, messages: ask });
    expect(proxy.seen[0]!.response_format).toMatchObject({ json_schema: { name: 'Meeting_agenda_weekly', strict: false } });
  });
});

type SeenBody = Record<string, unknown> & { response_format?: { json_schema: { schema: unknown } } };

/**
 * A server in front of Hearth's /v1 that refuses some requests with a 400 in its own words (as servers that
 * do not take a field do) and passes the rest on; it keeps every body it was sent.
 */
async function refusingProxy(upstream: string, refusal: (body: SeenBody) => string | undefined) {
  const seen: SeenBody[] = [];
  const server = http.createServer((request, response) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const text = Buffer.concat(chunks).toString('utf8');
      const body = JSON.parse(text) as SeenBody;
      seen.push(body);
      const refused = refusal(body);
      if (refused) {
        response.writeHead(400, { 'Content-Type': 'application/json' }).end(JSON.stringify({ error: { message: refused, type: 'BadRequestError' } }));
        return;
      }
      const answer = await fetch(`${upstream}/chat/completions`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: text });
      response.writeHead(answer.status, { 'Content-Type': answer.headers.get('content-type') ?? 'application/json' });
      response.end(Buffer.from(await answer.arrayBuffer()));
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const proxy = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    seen,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  servers.push(proxy);
  return proxy;
}
