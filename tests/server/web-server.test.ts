import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import WebSocket from 'ws';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HearthError } from '../../schemas/index.js';
import { binaryBytes, travelPolicy } from '../fixtures/documents.js';
import { makeTempDir } from '../fixtures/temp-dir.js';
import { nextFrame, startWebMode, type WebMode } from '../fixtures/web-mode.js';

let temp: { dir: string; cleanup(): Promise<void> };
let web: WebMode;

beforeEach(async () => {
  temp = await makeTempDir();
  web = await startWebMode(path.join(temp.dir, 'data'));
});

afterEach(async () => {
  await web.close();
  await temp.cleanup();
});

const base64 = (text: string | Uint8Array) => Buffer.from(text).toString('base64');

async function failure(promise: Promise<unknown>): Promise<HearthError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof HearthError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

describe('web mode over WebSocket', () => {
  it('carries the whole story: space, ingest with progress, streamed cited answer, citation text', async () => {
    const client = web.connect();
    const space = await client.call('spaces.create', { name: 'Work' });
    const ingest = client.stream('documents.ingest', {
      spaceId: space.id,
      source: { kind: 'bytes', name: 'policy.md', base64: base64(travelPolicy) },
    });
    const stages: string[] = [];
    for await (const progress of ingest) stages.push(progress.stage);
    expect(stages).toEqual(['reading', 'parsing', 'chunking', 'embedding', 'indexing', 'done']);
    const { document } = await ingest.result;
    expect(await client.call('documents.list', { spaceId: space.id })).toEqual([document]);

    const answer = client.stream('chat.ask', { spaceId: space.id, question: 'Are conference hotels exempt from the cap?' });
    const deltas: string[] = [];
    for await (const event of answer) if (event.type === 'delta') deltas.push(event.text);
    const message = await answer.result;
    expect(deltas.length).toBeGreaterThan(3);
    expect(deltas.join('').trimEnd()).toBe(message.content);
    const citation = message.citations[0]!;
    expect(citation.headingPath).toEqual(['Travel policy', 'Hotels', 'Exceptions']);

    const { text } = await client.call('documents.text', { documentId: citation.documentId });
    expect(text.slice(citation.start, citation.end)).toContain('Conference hotels booked by the organiser are exempt');
    expect(await client.call('conversations.messages', { conversationId: message.conversationId })).toHaveLength(2);
  });

  it('answers bad input with typed errors and keeps earlier documents and conversations intact', async () => {
    const client = web.connect();
    const space = await client.call('spaces.create', { name: 'Work' });
    await client.stream('documents.ingest', { spaceId: space.id, source: { kind: 'bytes', name: 'policy.md', base64: base64(travelPolicy) } })
      .result;
    const before = await client.stream('chat.ask', { spaceId: space.id, question: 'refund' }).result;

    const ingestBytes = (name: string, bytes: Uint8Array | string) =>
      client.stream('documents.ingest', { spaceId: space.id, source: { kind: 'bytes', name, base64: base64(bytes) } }).result;

    expect((await failure(ingestBytes('empty.md', ''))).code).toBe('FILE_EMPTY');
    expect((await failure(ingestBytes('photo.md', binaryBytes()))).code).toBe('FILE_BINARY');
    expect((await failure(ingestBytes('report.xyz', 'hello'))).code).toBe('UNSUPPORTED_FORMAT');

    const ingestPath = (file: string) => client.stream('documents.ingest', { spaceId: space.id, source: { kind: 'path', path: file } }).result;
    const missing = await failure(ingestPath(path.join(temp.dir, 'gone.md')));
    expect(missing.code).toBe('FILE_UNREADABLE');
    expect(missing.message).toContain('does not exist');
    expect((await failure(ingestPath(temp.dir + path.sep))).code).toBe('UNSUPPORTED_FORMAT');
    await mkdir(path.join(temp.dir, 'folder.md'));
    expect((await failure(ingestPath(path.join(temp.dir, 'folder.md')))).message).toContain('is not a file');
    // Root reads a file whatever its mode, so the permission case only shows for other users.
    if (process.getuid?.() !== 0) {
      const locked = path.join(temp.dir, 'locked.md');
      await writeFile(locked, 'secret');
      await chmod(locked, 0o000);
      const denied = await failure(ingestPath(locked));
      expect(denied.code).toBe('FILE_UNREADABLE');
      expect(denied.message).toContain('permission denied');
    }

    const huge = new Uint8Array(50 * 1024 * 1024).fill(0x61);
    const tooLarge = await failure(ingestBytes('huge.txt', huge));
    expect(tooLarge.code).toBe('FILE_TOO_LARGE');
    expect(tooLarge.message).toContain('50.0 MB');

    expect((await failure(client.call('spaces.create', { name: '' }))).code).toBe('BAD_REQUEST');
    expect((await failure(client.call('documents.text', { documentId: 'missing' }))).code).toBe('NOT_FOUND');

    // Everything from before is still there and still answers the same way.
    expect(await client.call('documents.list', { spaceId: space.id })).toHaveLength(1);
    const after = await client.stream('chat.ask', { spaceId: space.id, question: 'refund' }).result;
    expect(after.citations).toEqual(before.citations);
    expect(await client.call('conversations.list', { spaceId: space.id })).toHaveLength(2);
  });

  it('answers malformed frames and unknown methods with typed errors and keeps the socket open', async () => {
    const socket = await web.rawSocket();
    socket.send('this is not json');
    expect(await nextFrame(socket)).toMatchObject({ type: 'error', id: null, error: { code: 'BAD_REQUEST' } });
    socket.send(JSON.stringify({ type: 'request', id: '7' }));
    expect(await nextFrame(socket)).toMatchObject({ type: 'error', id: '7', error: { code: 'BAD_REQUEST' } });
    socket.send(JSON.stringify({ type: 'request', id: '8', method: 'files.deleteEverything', params: {} }));
    expect(await nextFrame(socket)).toMatchObject({ type: 'error', id: '8', error: { code: 'UNKNOWN_METHOD' } });
    socket.send(JSON.stringify({ type: 'request', id: '9', method: 'spaces.create', params: { name: 42 } }));
    const badParams = (await nextFrame(socket)) as { error: { code: string; message: string } };
    expect(badParams.error.code).toBe('BAD_REQUEST');
    expect(badParams.error.message).toContain('name');
    socket.send(Buffer.from([1, 2, 3]), { binary: true });
    expect(await nextFrame(socket)).toMatchObject({ type: 'error', error: { code: 'BAD_REQUEST' } });

    socket.send(JSON.stringify({ type: 'request', id: '10', method: 'spaces.list', params: {} }));
    expect(await nextFrame(socket)).toEqual({ type: 'result', id: '10', result: [] });
  });

  it('cancels a stream by id', async () => {
    const client = web.connect();
    const space = await client.call('spaces.create', { name: 'Work' });
    const controller = new AbortController();
    const big = Array.from({ length: 400 }, (_, i) => `## Section ${i}\n\nHotel rules number ${i} say hotel stays are fine.\n`).join('\n');
    await client.stream('documents.ingest', { spaceId: space.id, source: { kind: 'bytes', name: 'big.md', base64: base64(big) } }).result;
    const answer = client.stream('chat.ask', { spaceId: space.id, question: 'hotel rules' }, { signal: controller.signal });
    const seen: string[] = [];
    const iterated = (async () => {
      for await (const event of answer) {
        seen.push(event.type);
        if (event.type === 'delta') controller.abort(); // mid-stream: the server must stop writing
      }
    })();
    const cancelled = await failure(answer.result);
    expect(cancelled.code).toBe('CANCELLED');
    await expect(iterated).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(seen).toContain('delta');
    // Only the question was stored: a cancelled answer leaves no half message behind.
    const [conversation] = await client.call('conversations.list', { spaceId: space.id });
    expect((await client.call('conversations.messages', { conversationId: conversation!.id })).map((m) => m.role)).toEqual(['user']);

    const early = new AbortController();
    early.abort();
    expect((await failure(client.stream('chat.ask', { spaceId: space.id, question: 'x' }, { signal: early.signal }).result)).code).toBe(
      'CANCELLED',
    );
    // The socket still serves requests after a cancel.
    expect(await client.call('spaces.list', {})).toHaveLength(1);
  });

  it('refuses a WebSocket from a page on another origin', async () => {
    const socket = new WebSocket(web.rpcUrl, { headers: { Origin: 'http://evil.example' } });
    const status = await new Promise<number | undefined>((resolve) => {
      socket.once('unexpected-response', (_request, response) => resolve(response.statusCode));
      socket.once('open', () => resolve(undefined));
    });
    expect(status).toBe(403);
  });

  it('serves /health', async () => {
    const response = await fetch(`${web.server.url}health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ ok: true });
  });
});
