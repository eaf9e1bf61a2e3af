/**
 * POST /upload over real HTTP: a team member streams a file, gets 202 with the ingest job, and the job adds it;
 * a viewer of the space is refused (403), and a file past the quota is refused with 413 — announced by its
 * Content-Length or found out as it streams — with nothing left in the uploads folder.
 */
import { readdir } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Caller, Hearth } from '../../app/core/index.js';
import { handleUpload, uploadQuotaFromEnv } from '../../app/server/upload.js';
import type { JobInfoOf } from '../../schemas/index.js';
import { followJob, openTempHearth } from '../fixtures/hearth-runner.js';

const note = '# Harbour\n\nThe ferry leaves at noon from the east pier.\n';

let opened: Awaited<ReturnType<typeof openTempHearth>>;
let hearth: Hearth;
let servers: http.Server[];
let adaId: string;
let spaceId: string;

/** A loopback server that takes every request to /upload as `caller` (signing in is the team server's part). */
async function serve(caller: Caller, quotaBytes = 1024 * 1024): Promise<string> {
  const server = http.createServer((request, response) => void handleUpload({ hearth, caller, request, response, quotaBytes }));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/upload`;
}

/** A body that arrives as a stream, with no Content-Length. */
function streamOf(text: string): ReadableStream<Uint8Array> {
  const bytes = Buffer.from(text);
  return new ReadableStream({
    start(controller) {
      controller.enqueue(bytes.subarray(0, 10));
      controller.enqueue(bytes.subarray(10));
      controller.close();
    },
  });
}

/** POSTs a file; Node's fetch streams a ReadableStream body only with `duplex: 'half'`. */
async function post(url: string, query: Record<string, string>, body: ReadableStream<Uint8Array> | Buffer, headers: Record<string, string> = {}) {
  const response = await fetch(`${url}?${new URLSearchParams(query)}`, { method: 'POST', body, headers, duplex: 'half' } as RequestInit);
  return { status: response.status, body: (await response.json()) as { uploadId?: string; job?: JobInfoOf<'ingest'>; error?: { code: string; message: string } } };
}

beforeEach(async () => {
  servers = [];
  opened = await openTempHearth('Setup');
  hearth = opened.hearth;
  adaId = hearth.team.accounts.addUser({ name: 'ada' }).id;
  hearth.team.accounts.addUser({ name: 'bob' });
  spaceId = (await hearth.call('spaces.create', { name: 'Harbour' }, { caller: hearth.team.callerForUser(adaId) })).id;
});

afterEach(async () => {
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  await hearth.dispose();
  await opened.temp.cleanup();
});

describe('POST /upload', () => {
  it('takes a streamed file and answers 202 with the job that adds it', async () => {
    const url = await serve(hearth.team.callerForUser(adaId));

    const { status, body } = await post(url, { spaceId, name: 'east pier.md', project: 'Ferries' }, streamOf(note));

    expect(status).toBe(202);
    expect(body.job).toMatchObject({ kind: 'ingest', spaceId });
    const { result } = await followJob(hearth, body.job!);
    expect(result).toMatchObject({ status: 'indexed', document: { name: 'east pier.md', project: 'Ferries' } });
    expect(hearth.uploads.usage(adaId).keptBytes).toBe(Buffer.byteLength(note));
    expect(await readdir(hearth.uploads.folder)).toEqual([]);
  });

  it('takes the name from X-Hearth-File-Name too', async () => {
    const url = await serve(hearth.team.callerForUser(adaId));
    const { status, body } = await post(url, { spaceId }, streamOf(note), { 'X-Hearth-File-Name': encodeURIComponent('café notes.md') });
    expect(status).toBe(202);
    expect((await followJob(hearth, body.job!)).result.document.name).toBe('café notes.md');
  });

  it('refuses a viewer of the space with 403', async () => {
    await hearth.call('spaces.share', { spaceId, with: { kind: 'user', name: 'bob' }, role: 'viewer' }, { caller: hearth.team.callerForUser(adaId) });
    const bob = hearth.team.callerForUser(hearth.team.accounts.findUser('bob')!.id);
    const url = await serve(bob);

    const { status, body } = await post(url, { spaceId, name: 'harbour.md' }, streamOf(note));

    expect(status).toBe(403);
    expect(body.error?.code).toBe('FORBIDDEN');
    expect(await readdir(hearth.uploads.folder)).toEqual([]);
  });

  it('answers a space the uploader has no role in with 403, whether or not it exists', async () => {
    const url = await serve(hearth.team.callerForUser(adaId));
    const { status, body } = await post(url, { spaceId: 'no-such-space', name: 'harbour.md' }, streamOf(note));
    expect(status).toBe(403);
    expect(body.error?.code).toBe('FORBIDDEN');
  });

  it('refuses a file past the quota with 413, whether its size is announced or found out as it streams', async () => {
    const url = await serve(hearth.team.callerForUser(adaId), 16);

    const announced = await post(url, { spaceId, name: 'harbour.md' }, Buffer.from(note));
    const streamed = await post(url, { spaceId, name: 'harbour.md' }, streamOf(note));

    for (const { status, body } of [announced, streamed]) {
      expect(status).toBe(413);
      expect(body.error?.code).toBe('QUOTA_EXCEEDED');
      expect(body.error?.message).toMatch(/you have used 0\.0 MB of your 0\.0 MB/);
    }
    expect(await readdir(hearth.uploads.folder)).toEqual([]);
    expect(hearth.documents.list(spaceId)).toEqual([]);
  });

  it('answers 400 without a file name', async () => {
    const url = await serve(hearth.team.callerForUser(adaId));
    const { status, body } = await post(url, { spaceId }, streamOf(note));
    expect(status).toBe(400);
    expect(body.error?.code).toBe('BAD_REQUEST');
  });
});

describe('uploadQuotaFromEnv', () => {
  it('reads HEARTH_UPLOAD_QUOTA_MB, 2048 MB by default, and names the variable when it is wrong', () => {
    expect(uploadQuotaFromEnv({})).toBe(2048 * 1024 * 1024);
    expect(uploadQuotaFromEnv({ HEARTH_UPLOAD_QUOTA_MB: '10' })).toBe(10 * 1024 * 1024);
    for (const wrong of ['0', '-5', '1.5', 'lots']) {
      expect(() => uploadQuotaFromEnv({ HEARTH_UPLOAD_QUOTA_MB: wrong })).toThrow(expect.objectContaining({ code: 'BAD_REQUEST', message: expect.stringContaining('HEARTH_UPLOAD_QUOTA_MB') }));
    }
  });
});
