/**
 * Uploads: a team member streams a file to the data folder, then adds it with an `upload` source. The bytes
 * count towards their quota while they wait and once they became a document; only the uploader can add an
 * upload; a file past the size limit or the quota, or cut off, leaves nothing behind.
 */
import { readdir } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Caller, Hearth } from '../../../app/core/index.js';
import { failureOf, followJob, openTempHearth, settleJobs } from '../../fixtures/hearth-runner.js';

const note = '# Harbour\n\nThe ferry leaves at noon from the east pier.\n';
const roomy = { maxBytes: 1024 * 1024, quotaBytes: 1024 * 1024 };

/** A body that arrives in a few pieces, as a request's does. */
async function* bodyOf(text: string, pieces = 3): AsyncGenerator<Uint8Array> {
  const bytes = Buffer.from(text);
  const size = Math.ceil(bytes.length / pieces);
  for (let start = 0; start < bytes.length; start += size) yield bytes.subarray(start, start + size);
}

let opened: Awaited<ReturnType<typeof openTempHearth>>;
let hearth: Hearth;
let ada: { id: string; caller: () => Caller };
let adaSpace: string;

/** A team member, whose caller is made afresh (with the roles they hold now) each time it is asked for. */
function member(name: string) {
  const user = hearth.team.accounts.addUser({ name });
  return { id: user.id, caller: () => hearth.team.callerForUser(user.id) };
}

beforeEach(async () => {
  opened = await openTempHearth('Setup');
  hearth = opened.hearth;
  ada = member('ada');
  adaSpace = (await hearth.call('spaces.create', { name: 'Ada notes' }, { caller: ada.caller() })).id;
});

afterEach(async () => {
  await hearth.dispose();
  await opened.temp.cleanup();
});

describe('Uploads', () => {
  it('adds an uploaded file as a document named by the upload, and counts its bytes towards the uploader', async () => {
    const upload = await hearth.uploads.receive(ada.id, 'harbour.md', bodyOf(note), roomy);
    expect(upload).toMatchObject({ name: 'harbour.md', sizeBytes: Buffer.byteLength(note) });
    expect(hearth.uploads.usage(ada.id)).toEqual({ keptBytes: 0, pendingBytes: upload.sizeBytes, usedBytes: upload.sizeBytes });

    const job = await hearth.call('documents.ingest', { spaceId: adaSpace, source: { kind: 'upload', uploadId: upload.uploadId } }, { caller: ada.caller() });
    const { result } = await followJob(hearth, job);

    expect(result.status).toBe('indexed');
    expect(result.document.name).toBe('harbour.md');
    expect(hearth.documents.list(adaSpace).map((document) => document.id)).toEqual([result.document.id]);
    expect(hearth.documents.sourcePathOf(result.document.id)).toBe(`upload:${ada.id}/harbour.md`);
    expect(hearth.uploads.usage(ada.id)).toEqual({ keptBytes: upload.sizeBytes, pendingBytes: 0, usedBytes: upload.sizeBytes });
    // Settled: the upload is gone, from the folder too.
    expect(await readdir(hearth.uploads.folder)).toEqual([]);
    expect((await failureOf(Promise.resolve().then(() => hearth.uploads.take(upload.uploadId, ada.id)))).code).toBe('NOT_FOUND');

    // Reading it again makes a new document; its bytes still count, once.
    const reread = await followJob(hearth, await hearth.call('documents.reingest', { documentId: result.document.id }, { caller: ada.caller() }));
    expect(reread.result.document.id).not.toBe(result.document.id);
    expect(hearth.uploads.usage(ada.id).keptBytes).toBe(upload.sizeBytes);
    result.document = reread.result.document;

    // A file sent in a frame counts too: it becomes an upload of its own.
    const inFrame = await hearth.call('documents.ingest', { spaceId: adaSpace, source: { kind: 'bytes', name: 'pier.md', base64: Buffer.from('# Pier\n\nThe east pier.\n').toString('base64') } }, { caller: ada.caller() });
    const framed = (await followJob(hearth, inFrame)).result;
    expect(hearth.uploads.usage(ada.id).keptBytes).toBe(upload.sizeBytes + framed.document.sizeBytes);
    await hearth.call('documents.delete', { documentId: framed.document.id }, { caller: ada.caller() });

    // Deleting the document gives its bytes back.
    await hearth.call('documents.delete', { documentId: result.document.id }, { caller: ada.caller() });
    expect(hearth.uploads.usage(ada.id).usedBytes).toBe(0);
  });

  it('lets nobody but the uploader take an upload', async () => {
    const upload = await hearth.uploads.receive(ada.id, 'harbour.md', bodyOf(note), roomy);
    const bob = member('bob');
    const bobSpace = (await hearth.call('spaces.create', { name: 'Bob notes' }, { caller: bob.caller() })).id;

    expect(() => hearth.uploads.take(upload.uploadId, bob.id)).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    const refused = await failureOf(hearth.call('documents.ingest', { spaceId: bobSpace, source: { kind: 'upload', uploadId: upload.uploadId } }, { caller: bob.caller() }));
    expect(refused.code).toBe('NOT_FOUND');
    // Still Ada's to add.
    expect(hearth.uploads.take(upload.uploadId, ada.id).name).toBe('harbour.md');
  });

  it('refuses a file past the quota, counting what the uploader already added, and leaves no file behind', async () => {
    const first = await hearth.uploads.receive(ada.id, 'harbour.md', bodyOf(note), roomy);
    await followJob(hearth, await hearth.call('documents.ingest', { spaceId: adaSpace, source: { kind: 'upload', uploadId: first.uploadId } }, { caller: ada.caller() }));
    const quotaBytes = first.sizeBytes + 10;

    const failure = await failureOf(hearth.uploads.receive(ada.id, 'more.md', bodyOf(`${note}\nAnd a second ferry at six.\n`), { ...roomy, quotaBytes }));

    expect(failure.code).toBe('QUOTA_EXCEEDED');
    expect(failure.message).toMatch(/you have used [\d.]+ MB of your [\d.]+ MB/);
    expect(failure.details).toEqual({ usedBytes: first.sizeBytes, quotaBytes });
    expect(await readdir(hearth.uploads.folder)).toEqual([]);
    expect(hearth.uploads.usage(ada.id).pendingBytes).toBe(0);
  });

  it('refuses a file past the largest Hearth takes, with nothing left behind', async () => {
    const failure = await failureOf(hearth.uploads.receive(ada.id, 'big.md', bodyOf('x'.repeat(4096), 8), { ...roomy, maxBytes: 1000 }));
    expect(failure.code).toBe('FILE_TOO_LARGE');
    expect(await readdir(hearth.uploads.folder)).toEqual([]);
  });

  it('deletes what arrived of an upload that was cut off', async () => {
    const controller = new AbortController();
    async function* cutOff(): AsyncGenerator<Uint8Array> {
      yield Buffer.from('# Half\n\nThe first half of a file');
      controller.abort();
      await new Promise((resolve) => setTimeout(resolve, 20));
      yield Buffer.from(' that never arrives.');
    }
    const failure = await failureOf(hearth.uploads.receive(ada.id, 'half.md', cutOff(), { ...roomy, signal: controller.signal }));
    expect(failure.code).toBe('CANCELLED');
    expect(await readdir(hearth.uploads.folder)).toEqual([]);
    expect(hearth.uploads.usage(ada.id).usedBytes).toBe(0);
  });

  it('refuses a format Hearth does not read before storing anything', async () => {
    const failure = await failureOf(hearth.uploads.receive(ada.id, 'tool.exe', bodyOf('MZ'), roomy));
    expect(failure.code).toBe('UNSUPPORTED_FORMAT');
    expect(await readdir(hearth.uploads.folder)).toEqual([]);
  });

  it('finishes an upload\'s ingest after a restart, and settles it then', async () => {
    const upload = await hearth.uploads.receive(ada.id, 'harbour.md', bodyOf(note), roomy);
    await hearth.call('documents.ingest', { spaceId: adaSpace, source: { kind: 'upload', uploadId: upload.uploadId } }, { caller: ada.caller() });
    await hearth.dispose(); // whatever the job had got to, it resumes at the next start

    hearth = await opened.open();
    await settleJobs(hearth, adaSpace);
    const ingests = await hearth.call('jobs.list', { spaceId: adaSpace, kinds: ['ingest'], states: ['done', 'failed', 'cancelled'] });

    expect(ingests.map((job) => job.state)).toEqual(['done']);
    expect(hearth.documents.list(adaSpace).map((document) => document.name)).toEqual(['harbour.md']);
    expect(hearth.uploads.usage(ada.id)).toEqual({ keptBytes: upload.sizeBytes, pendingBytes: 0, usedBytes: upload.sizeBytes });
    expect(await readdir(hearth.uploads.folder)).toEqual([]);
  });
});
