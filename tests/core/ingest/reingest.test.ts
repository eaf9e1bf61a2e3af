/**
 * Re-reading a document from its stored original (`documents.reingest`): the new reading replaces the old in
 * every store under a new id, keeping name, project and date added; a failed re-read leaves the old version
 * searchable; a re-read cut short by a kill is finished or rolled back on the next start.
 */
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Hearth } from '../../../app/core/index.js';
import { buildEncryptedPdf } from '../../fixtures/documents/encrypted-pdf.js';
import { travelPolicy } from '../../fixtures/documents.js';
import { ingestFile, openTempHearth, rereadDocument, rpcCall, search } from '../../fixtures/hearth-runner.js';

let temp: { dir: string; cleanup(): Promise<void> };
let dataDir: string;
let hearth: Hearth;
let spaceId: string;

let open: () => Promise<Hearth>;

async function addFile(name: string, bytes: Uint8Array | string, options: { project?: string; password?: string } = {}) {
  const file = path.join(temp.dir, name);
  await writeFile(file, bytes);
  return ingestFile(hearth, spaceId, { kind: 'path', path: file }, options);
}

async function expectStoresAgree() {
  const counts = await hearth.indexes.storeCounts(spaceId);
  expect(counts.vectorChunkIds).toEqual(counts.sqliteChunkIds);
  expect(counts.keywordChunks).toBe(counts.sqliteChunkIds.length);
  return counts;
}

beforeEach(async () => {
  ({ temp, dataDir, open, hearth, spaceId } = await openTempHearth('Travel'));
});
afterEach(async () => {
  await hearth.dispose();
  await temp.cleanup();
});

describe('documents.list', () => {
  it('says which project each document was added under', async () => {
    await addFile('policy.md', travelPolicy, { project: 'Expenses 2026' });
    await addFile('notes.md', '# Notes\n\nThe ferry leaves at nine.\n');
    const listed = await rpcCall(hearth, 'documents.list', { spaceId });
    expect(listed.map((document) => [document.name, document.project])).toEqual([
      ['policy.md', 'Expenses 2026'],
      ['notes.md', undefined],
    ]);
  });
});

describe('re-reading a document', () => {
  it('replaces its passages in every store, keeping its name, project and date added', async () => {
    const added = await addFile('policy.md', travelPolicy, { project: 'Expenses' });
    const before = await expectStoresAgree();
    expect(before.sqliteChunkIds.length).toBe(added.result.document.chunkCount);

    const { events, result } = await rereadDocument(hearth, added.result.document.id);
    expect(events.map((event) => event.stage)).toEqual(['reading', 'parsing', 'chunking', 'embedding', 'indexing', 'done']);
    expect(result.status).toBe('indexed');
    const old = added.result.document;
    expect(result.document).toMatchObject({ name: 'policy.md', project: 'Expenses', createdAt: old.createdAt, sha256: old.sha256, chunkCount: old.chunkCount });
    expect(result.document.id).not.toBe(old.id);

    // One document, the new reading; its passages replaced the old ones in SQLite, the vectors and BM25.
    expect((await rpcCall(hearth, 'documents.list', { spaceId })).map((document) => document.id)).toEqual([result.document.id]);
    const after = await expectStoresAgree();
    expect(after.sqliteChunkIds.length).toBe(before.sqliteChunkIds.length);
    expect(after.sqliteChunkIds.filter((id) => before.sqliteChunkIds.includes(id))).toEqual([]);
    const [hit] = await search(hearth, spaceId, 'refund train tickets', 3);
    expect(hit?.citation).toMatchObject({ documentId: result.document.id, headingPath: ['Travel policy', 'Refunds'] });
    expect(await search(hearth, spaceId, 'refund train tickets', 3, { documentIds: [old.id] })).toEqual([]);
    // The old id is not listed or searched any more; opened from an earlier answer's citation, it shows the new reading.
    expect((await rpcCall(hearth, 'documents.text', { documentId: old.id })).document.id).toBe(result.document.id);

    // Adding the same bytes again is still answered `unchanged`: the re-read did not weaken dedupe.
    const again = await addFile('policy-copy.md', travelPolicy);
    expect(again.result).toMatchObject({ status: 'unchanged', document: { id: result.document.id } });

    // And everything holds after a restart.
    await hearth.dispose();
    hearth = await open();
    await expectStoresAgree();
    expect(hearth.documents.list(spaceId).map((document) => document.id)).toEqual([result.document.id]);
  });

  it('keeps the old version searchable when the new reading fails, and takes the password of an encrypted PDF', async () => {
    const sealed = buildEncryptedPdf({ userPassword: 'hearth', text: 'The vault code is kept by the harbour master.' });
    const added = await addFile('sealed.pdf', sealed, { password: 'hearth' });
    const before = await expectStoresAgree();

    await expect(rereadDocument(hearth, added.result.document.id)).rejects.toMatchObject({ code: 'PASSWORD_REQUIRED' });
    await expect(rereadDocument(hearth, added.result.document.id, { password: 'wrong' })).rejects.toMatchObject({ code: 'PASSWORD_INCORRECT' });
    expect(hearth.documents.list(spaceId).map((document) => document.id)).toEqual([added.result.document.id]);
    expect((await expectStoresAgree()).sqliteChunkIds).toEqual(before.sqliteChunkIds);
    expect((await search(hearth, spaceId, 'vault code harbour master', 3))[0]?.citation.documentId).toBe(added.result.document.id);

    const reread = await rereadDocument(hearth, added.result.document.id, { password: 'hearth' });
    expect(reread.result).toMatchObject({ status: 'indexed', document: { name: 'sealed.pdf', pageCount: 1 } });
    expect((await search(hearth, spaceId, 'vault code harbour master', 3))[0]?.citation).toMatchObject({ documentId: reread.result.document.id, page: 1 });
    await expectStoresAgree();
  });

  it('says clearly when the original is gone, and changes nothing', async () => {
    const added = await addFile('policy.md', travelPolicy);
    const sha = added.result.document.sha256;
    await rm(path.join(dataDir, 'blobs', sha.slice(0, 2), sha.slice(2)));
    const failure = rereadDocument(hearth, added.result.document.id);
    await expect(failure).rejects.toMatchObject({ code: 'FILE_UNREADABLE', message: expect.stringContaining('Add the file again') });
    expect(hearth.documents.list(spaceId).map((document) => document.id)).toEqual([added.result.document.id]);
    expect((await search(hearth, spaceId, 'hotel cap Europe', 3))[0]?.citation.documentId).toBe(added.result.document.id);
  });

  it('answers NOT_FOUND, saying what to do, for a document that is not in the library', async () => {
    await expect(rereadDocument(hearth, 'no-such-document')).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringMatching(/was deleted from the library.*Refresh the document list/),
    });
    const added = await addFile('policy.md', travelPolicy);
    await hearth.call('documents.delete', { documentId: added.result.document.id });
    await expect(rereadDocument(hearth, added.result.document.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(rereadDocument(hearth, '')).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('stops when its job is cancelled, leaving the old version as it was', async () => {
    const added = await addFile('policy.md', travelPolicy);
    const job = await hearth.call('documents.reingest', { documentId: added.result.document.id });
    const watch = hearth.stream('jobs.watch', { jobId: job.id });
    for (let step = await watch.next(); !step.done; step = await watch.next()) {
      if (step.value.type === 'progress') break; // it has started reading
    }
    expect((await hearth.call('jobs.cancel', { jobId: job.id })).state).toBe('cancelled');
    await expect(hearth.call('jobs.get', { jobId: job.id })).resolves.toMatchObject({ state: 'cancelled', error: { code: 'CANCELLED' } });
    expect(hearth.documents.list(spaceId).map((document) => document.id)).toEqual([added.result.document.id]);
    await expectStoresAgree();
  });
});

describe('a re-read cut short by a kill', () => {
  /** What a kill between storing the new reading and making it ready leaves: a copy of the document, `indexing`. */
  function leaveNewReadingIndexing(documentId: string, sourcePath: string | null): string {
    const db = new Database(path.join(dataDir, 'hearth.db'));
    const copyId = `${documentId.slice(0, 8)}-reread`;
    db.prepare(
      `INSERT INTO documents (id, space_id, name, format, sha256, size_bytes, normalized_text, created_at, status, project, page_count, warnings, source_path)
       SELECT ?, space_id, name, format, sha256, size_bytes, normalized_text, created_at, 'indexing', project, page_count, warnings, ? FROM documents WHERE id = ?`,
    ).run(copyId, sourcePath, documentId);
    db.prepare(
      `INSERT INTO chunks (document_id, ordinal, heading_path, start_offset, end_offset, text, page_start, page_end, sheet, cells, slide)
       SELECT ?, ordinal, heading_path, start_offset, end_offset, text, page_start, page_end, sheet, cells, slide FROM chunks WHERE document_id = ?`,
    ).run(copyId, documentId);
    db.close();
    return copyId;
  }

  it('is finished on the next start when it came from the same source, replacing the old version', async () => {
    const added = await addFile('policy.md', travelPolicy);
    await hearth.dispose();
    const copyId = leaveNewReadingIndexing(added.result.document.id, path.join(temp.dir, 'policy.md'));
    hearth = await open();
    expect(hearth.documents.list(spaceId).map((document) => document.id)).toEqual([copyId]);
    const counts = await expectStoresAgree();
    expect(counts.sqliteChunkIds.length).toBe(added.result.document.chunkCount);
    expect((await search(hearth, spaceId, 'refund train tickets', 3))[0]?.citation.documentId).toBe(copyId);
  });

  it('is rolled back on the next start when the same bytes are ready under another source', async () => {
    const added = await addFile('policy.md', travelPolicy);
    await hearth.dispose();
    leaveNewReadingIndexing(added.result.document.id, null);
    hearth = await open();
    expect(hearth.documents.list(spaceId).map((document) => document.id)).toEqual([added.result.document.id]);
    const counts = await expectStoresAgree();
    expect(counts.sqliteChunkIds.length).toBe(added.result.document.chunkCount);
  });
});
