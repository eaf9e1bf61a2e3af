import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import WebSocket from 'ws';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HearthClient } from '../../app/renderer/src/client/hearth-client.js';
import { WsTransport } from '../../app/renderer/src/client/ws-transport.js';
import { binaryBytes, travelPolicy } from '../fixtures/documents.js';
import { makeTempDir } from '../fixtures/temp-dir.js';
import { httpGet as get, nextFrame, startWebMode, type WebMode } from '../fixtures/web-mode.js';
import { followJob } from '../../app/renderer/src/client/follow-job.js';
import { failureOf } from '../fixtures/hearth-runner.js';

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

describe('web mode over WebSocket', () => {
  it('carries the whole story: space, ingest with progress, streamed cited answer, citation text', async () => {
    const client = web.connect();
    const space = await client.call('spaces.create', { name: 'Work' });
    const ingest = followJob(
      client,
      client.call('documents.ingest', { spaceId: space.id, source: { kind: 'bytes', name: 'policy.md', base64: base64(travelPolicy) } }),
    );
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
    await followJob(client, client.call('documents.ingest', { spaceId: space.id, source: { kind: 'bytes', name: 'policy.md', base64: base64(travelPolicy) } })).result;
    const before = await client.stream('chat.ask', { spaceId: space.id, question: 'refund' }).result;

    const ingestBytes = (name: string, bytes: Uint8Array | string) =>
      followJob(client, client.call('documents.ingest', { spaceId: space.id, source: { kind: 'bytes', name, base64: base64(bytes) } })).result;

    expect((await failureOf(ingestBytes('empty.md', ''))).code).toBe('FILE_EMPTY');
    expect((await failureOf(ingestBytes('photo.md', binaryBytes()))).code).toBe('FILE_BINARY');
    expect((await failureOf(ingestBytes('report.xyz', 'hello'))).code).toBe('UNSUPPORTED_FORMAT');

    const ingestPath = (file: string) => followJob(client, client.call('documents.ingest', { spaceId: space.id, source: { kind: 'path', path: file } })).result;
    const missing = await failureOf(ingestPath(path.join(temp.dir, 'gone.md')));
    expect(missing.code).toBe('FILE_UNREADABLE');
    expect(missing.message).toContain('does not exist');
    expect((await failureOf(ingestPath(temp.dir + path.sep))).code).toBe('UNSUPPORTED_FORMAT');
    await mkdir(path.join(temp.dir, 'folder.md'));
    expect((await failureOf(ingestPath(path.join(temp.dir, 'folder.md')))).message).toContain('is not a file');
    // Root reads a file whatever its mode, so the permission case only shows for other users.
    if (process.getuid?.() !== 0) {
      const locked = path.join(temp.dir, 'locked.md');
      await writeFile(locked, 'secret');
      await chmod(locked, 0o000);
      const denied = await failureOf(ingestPath(locked));
      expect(denied.code).toBe('FILE_UNREADABLE');
      expect(denied.message).toContain('permission denied');
    }

    const huge = new Uint8Array(50 * 1024 * 1024).fill(0x61);
    const tooLarge = await failureOf(ingestBytes('huge.txt', huge));
    expect(tooLarge.code).toBe('FILE_TOO_LARGE');
    expect(tooLarge.message).toContain('50.0 MB');

    expect((await failureOf(client.call('spaces.create', { name: '' }))).code).toBe('BAD_REQUEST');
    expect((await failureOf(client.call('documents.text', { documentId: 'missing' }))).code).toBe('NOT_FOUND');

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
    await followJob(client, client.call('documents.ingest', { spaceId: space.id, source: { kind: 'bytes', name: 'big.md', base64: base64(big) } })).result;
    const answer = client.stream('chat.ask', { spaceId: space.id, question: 'hotel rules' }, { signal: controller.signal });
    const seen: string[] = [];
    const iterated = (async () => {
      for await (const event of answer) {
        seen.push(event.type);
        if (event.type === 'delta') controller.abort(); // mid-stream: the server must stop writing
      }
    })();
    const cancelled = await failureOf(answer.result);
    expect(cancelled.code).toBe('CANCELLED');
    await expect(iterated).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(seen).toContain('delta');
    // Only the question was stored: a cancelled answer leaves no half message behind.
    const [conversation] = await client.call('conversations.list', { spaceId: space.id });
    expect((await client.call('conversations.messages', { conversationId: conversation!.id })).map((m) => m.role)).toEqual(['user']);

    const early = new AbortController();
    early.abort();
    expect((await failureOf(client.stream('chat.ask', { spaceId: space.id, question: 'x' }, { signal: early.signal }).result)).code).toBe(
      'CANCELLED',
    );
    // The socket still serves requests after a cancel.
    expect(await client.call('spaces.list', {})).toHaveLength(1);
  });

  it('serves /health without the launch secret', async () => {
    const response = await get(`${web.server.origin}/health`);
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({ ok: true });
  });
});

/** Opens a WebSocket to /rpc; resolves with the open socket, or with the HTTP status and body that refused it. */
function upgrade(
  url: string,
  options: { headers?: Record<string, string>; protocols?: string[] } = {},
): Promise<{ socket: WebSocket } | { status: number; body: string }> {
  const socket = new WebSocket(url, options.protocols ?? [], { headers: options.headers ?? {} });
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve({ socket }));
    socket.once('unexpected-response', (_request, response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    socket.once('error', reject);
  });
}

async function listSpacesOver(socket: WebSocket): Promise<unknown> {
  const client = new HearthClient(new WsTransport(socket));
  try {
    return await client.call('spaces.list', {});
  } finally {
    client.close();
  }
}

describe('who may reach web mode', () => {
  const port = () => new URL(web.server.origin).port;

  it('refuses a page whose name was rebound to 127.0.0.1 (DNS rebinding), with or without the secret', async () => {
    const rebound = { Host: `evil.example:${port()}`, Origin: `http://evil.example:${port()}` };
    const refused = await upgrade(web.rpcUrl, { headers: rebound });
    expect(refused).toMatchObject({ status: 403 });
    expect(await upgrade(web.rpcUrl, { headers: { ...rebound, ...web.authHeaders } })).toMatchObject({ status: 403 });

    for (const path of ['/', '/health', '/assets/index.js', `/?token=${web.server.token}`]) {
      const response = await get(`${web.server.origin}${path}`, { Host: rebound.Host, ...web.authHeaders });
      expect(response.status, path).toBe(403);
      expect(response.body).toContain('--allow-host');
      expect(response.headers['set-cookie'], path).toBeUndefined();
    }
    // Nor is a loopback name on another port, which only a proxy in between would send.
    expect((await get(`${web.server.origin}/health`, { Host: '127.0.0.1:1' })).status).toBe(403);
  });

  it('refuses a WebSocket from a page on another origin even when the Host is loopback', async () => {
    for (const origin of ['http://evil.example', `http://evil.example:${port()}`, 'http://127.0.0.1:1', 'null']) {
      expect(await upgrade(web.rpcUrl, { headers: { Origin: origin, ...web.authHeaders } }), origin).toMatchObject({ status: 403 });
    }
    const ownPage = await upgrade(web.rpcUrl, { headers: { Origin: web.server.origin, ...web.authHeaders } });
    expect('socket' in ownPage && (await listSpacesOver(ownPage.socket))).toEqual([]);
  });

  it('answers 401 without the secret, on pages and on the WebSocket, and never takes it from the WebSocket URL', async () => {
    const page = await get(`${web.server.origin}/`);
    expect(page.status).toBe(401);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain('open the address Hearth printed when it started');
    expect(page.body).not.toContain(web.server.token);
    expect((await get(`${web.server.origin}/`, { Authorization: 'Bearer not-the-secret' })).status).toBe(401);
    expect((await get(`${web.server.origin}/?token=not-the-secret`)).status).toBe(401);

    expect(await upgrade(web.rpcUrl)).toMatchObject({ status: 401 });
    expect(await upgrade(web.rpcUrl, { headers: { Origin: web.server.origin } })).toMatchObject({ status: 401 });
    expect(await upgrade(`${web.rpcUrl}?token=${web.server.token}`)).toMatchObject({ status: 401 });
    expect(await upgrade(web.rpcUrl, { protocols: ['hearth.bearer.not-the-secret'] })).toMatchObject({ status: 401 });
  });

  it('trades the ?token= of the printed address for a cookie named for its port, and drops it from the address', async () => {
    expect(web.server.url).toBe(`${web.server.origin}/?token=${web.server.token}`);
    const visit = await get(web.server.url);
    expect(visit.status).toBe(303);
    expect(visit.headers.location).toBe('/');
    const [cookie] = visit.headers['set-cookie'] ?? [];
    expect(cookie).toMatch(new RegExp(`^hearth-token-${port()}=[^;]+; HttpOnly; SameSite=Strict; Path=/$`));
    const deep = await get(`${web.server.origin}/library?view=all&token=${web.server.token}`);
    expect(deep.headers.location).toBe('/library?view=all');

    const cookieHeader = { Cookie: `other=1; ${cookie!.split(';')[0]!}` };
    const page = await get(`${web.server.origin}/`, cookieHeader);
    expect(page.status).toBe(200);
    expect(page.body).toContain('<div id="root">');
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    // Another Hearth's cookie is another port's: it opens nothing here.
    expect((await get(`${web.server.origin}/`, { Cookie: `hearth-token-1=${web.server.token}` })).status).toBe(401);
  });

  it('lets a client call spaces.list with the cookie, the bearer header or the subprotocol', async () => {
    const visit = await get(web.server.url);
    const cookie = (visit.headers['set-cookie'] ?? [])[0]!.split(';')[0]!;
    const byCookie = await upgrade(web.rpcUrl, { headers: { Origin: web.server.origin, Cookie: cookie } });
    const byBearer = await upgrade(web.rpcUrl, { headers: web.authHeaders });
    const protocol = `hearth.bearer.${web.server.token}`;
    const bySubprotocol = await upgrade(web.rpcUrl, { protocols: [protocol] });
    for (const opened of [byCookie, byBearer, bySubprotocol]) {
      expect('socket' in opened && (await listSpacesOver(opened.socket))).toEqual([]);
    }
    expect('socket' in bySubprotocol && bySubprotocol.socket.protocol).toBe(protocol);
    expect('socket' in byBearer && byBearer.socket.protocol).toBe('');
  });

  it('admits a name the user allowed, on pages and on the WebSocket', async () => {
    const allowing = await startWebMode(path.join(temp.dir, 'allowing'), { allowedHosts: ['Hearth.LAN'] });
    try {
      const allowedPort = new URL(allowing.server.origin).port;
      const named = { Host: `hearth.lan:${allowedPort}` };
      expect((await get(`${allowing.server.origin}/health`, named)).status).toBe(200);
      expect((await get(`${allowing.server.origin}/`, { ...named, ...allowing.authHeaders })).status).toBe(200);
      const socket = await upgrade(allowing.rpcUrl, { headers: { ...named, Origin: `http://hearth.lan:${allowedPort}`, ...allowing.authHeaders } });
      expect('socket' in socket && (await listSpacesOver(socket.socket))).toEqual([]);
      expect((await get(`${allowing.server.origin}/health`, { Host: `other.lan:${allowedPort}` })).status).toBe(403);
    } finally {
      await allowing.close();
    }
    for (const loopback of ['localhost', '127.0.0.1', '[::1]', 'hearth.localhost']) {
      expect((await get(`${web.server.origin}/health`, { Host: `${loopback}:${port()}` })).status, loopback).toBe(200);
    }
  });
});
