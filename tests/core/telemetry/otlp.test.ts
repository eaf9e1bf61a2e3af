/**
 * With an OTLP endpoint configured, spans go there too: a local `node:http` server stands for the collector
 * (Jaeger, Tempo and Langfuse take the same OTLP/HTTP request) and receives them on `/v1/traces`.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { completeChat } from '../../../app/core/models/index.js';
import { openDatabase, type Db } from '../../../app/core/storage/index.js';
import { Telemetry, attr } from '../../../app/core/telemetry/index.js';
import { HearthError } from '../../../schemas/index.js';
import { ScriptedChatModel } from '../../fixtures/scripted-models.js';
import { makeTempDir } from '../../fixtures/temp-dir.js';

interface Received {
  path: string;
  contentType: string | undefined;
  body: OtlpBody;
}
interface OtlpBody {
  resourceSpans: {
    resource: { attributes: { key: string; value: { stringValue?: string } }[] };
    scopeSpans: { spans: { name: string; traceId: string; spanId: string; parentSpanId?: string; attributes: { key: string; value: Record<string, unknown> }[] }[] }[];
  }[];
}

let temp: { dir: string; cleanup(): Promise<void> };
let db: Db;
let server: Server;
let received: Received[];

beforeEach(async () => {
  temp = await makeTempDir();
  db = openDatabase(path.join(temp.dir, 'data'));
  received = [];
  server = createServer(async (request: IncomingMessage, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    received.push({ path: request.url ?? '', contentType: request.headers['content-type'], body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as OtlpBody });
    response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
});
afterEach(async () => {
  server.close();
  db.close();
  await temp.cleanup();
});

it('sends the spans of a traced run to /v1/traces, with their parents and GenAI attributes, and keeps them in SQLite too', async () => {
  const { port } = server.address() as AddressInfo;
  const telemetry = new Telemetry(db, { otlpEndpoint: `http://127.0.0.1:${port}`, serviceVersion: '9.9.9' });
  expect(telemetry.otlpEndpoint).toBe(`http://127.0.0.1:${port}/v1/traces`);
  const root = telemetry.startSpan('agent.run', { spaceId: 'space-1' });
  await telemetry.inSpan('retrieval', { parent: root }, async (span) => span.set({ [attr.retrievalQuery]: 'ferry times' }));
  await completeChat(telemetry.traceChatModel(new ScriptedChatModel(() => 'The ferry leaves at noon.'), root), { messages: [{ role: 'user', content: 'When?' }] });
  root.end();
  // Disposal sends what the batch still holds.
  await telemetry.dispose();

  expect(received.map((request) => request.path)).toEqual(['/v1/traces']);
  expect(received[0]!.contentType).toBe('application/json');
  const resource = received[0]!.body.resourceSpans[0]!;
  expect(resource.resource.attributes).toEqual(expect.arrayContaining([{ key: 'service.name', value: { stringValue: 'hearth' } }, { key: 'service.version', value: { stringValue: '9.9.9' } }]));
  const spans = received.flatMap((request) => request.body.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((scope) => scope.spans)));
  expect(spans.map((span) => span.name).sort()).toEqual(['agent.run', 'chat scripted', 'retrieval']);
  const chat = spans.find((span) => span.name === 'chat scripted')!;
  const rootSpan = spans.find((span) => span.name === 'agent.run')!;
  expect(chat.parentSpanId).toBe(rootSpan.spanId);
  expect(chat.attributes).toEqual(expect.arrayContaining([{ key: attr.operationName, value: { stringValue: 'chat' } }, { key: attr.requestModel, value: { stringValue: 'scripted' } }]));
  expect(telemetry.get(root.traceId).spans).toHaveLength(3);
});

it('refuses an endpoint that is not an http(s) URL, naming what it expects', () => {
  expect(() => new Telemetry(db, { otlpEndpoint: 'localhost:4318' })).toThrow(HearthError);
  expect(() => new Telemetry(db, { otlpEndpoint: 'localhost:4318' })).toThrow(/http\(s\) URL such as http:\/\/localhost:4318/);
});

it('closes without failing when the endpoint cannot be reached, says so once, and keeps the spans in SQLite', async () => {
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  try {
    const telemetry = new Telemetry(db, { otlpEndpoint: `http://127.0.0.1:${port}/v1/traces` });
    const root = telemetry.startSpan('agent.run', { spaceId: 'space-1' });
    root.end();
    await telemetry.dispose();
    // Closing waits for the collector only so long; the exporter's retries end, and say so, in their own time.
    await vi.waitFor(() => expect(warn).toHaveBeenCalled(), { timeout: 20_000, interval: 100 });
    expect(warn.mock.calls.map((call) => String(call[0]))).toEqual([expect.stringContaining(`could not send 1 span(s) to http://127.0.0.1:${port}/v1/traces`)]);
    expect(telemetry.get(root.traceId).spans.map((span) => span.name)).toEqual(['agent.run']);
  } finally {
    warn.mockRestore();
  }
});
