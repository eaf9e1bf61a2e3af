/**
 * Citations outlive a re-read: an answer stored before a document was read again (or a changed file added again
 * from the same path) still opens, in the reading that replaced it, with the passage found there and its page.
 * Chains of replacements lead to the newest reading; deleting a document outright ends its redirects, and its
 * old citations say it was deleted.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Hearth } from '../../../app/core/index.js';
import { Documents, Replacements } from '../../../app/core/library/index.js';
import { openDatabase } from '../../../app/core/storage/index.js';
import type { Citation } from '../../../schemas/index.js';
import { buildPdf, type PdfBlock } from '../../fixtures/documents/pdf.js';
import { travelPolicy } from '../../fixtures/documents.js';
import { ingestFile, openTempHearth, rereadDocument, rpcCall, rpcStream } from '../../fixtures/hearth-runner.js';

let temp: { dir: string; cleanup(): Promise<void> };
let dataDir: string;
let hearth: Hearth;
let spaceId: string;

let open: () => Promise<Hearth>;

async function addFile(name: string, bytes: Uint8Array | string) {
  const file = path.join(temp.dir, name);
  await writeFile(file, bytes);
  return (await ingestFile(hearth, spaceId, { kind: 'path', path: file })).result;
}

/** Asks through the contract and returns the first citation of the stored answer, as a later session reads it. */
async function askForCitation(question: string, documentName: string): Promise<Citation> {
  const { result } = await rpcStream(hearth, 'chat.ask', { spaceId, question });
  const [stored] = (await rpcCall(hearth, 'conversations.messages', { conversationId: result.conversationId })).filter((message) => message.role === 'assistant');
  const citation = stored?.citations.find((candidate) => candidate.documentName === documentName);
  if (!citation) throw new Error(`The answer to "${question}" cites nothing from ${documentName}.`);
  return citation;
}

const reread = async (documentId: string) => (await rereadDocument(hearth, documentId)).result.document;

beforeEach(async () => {
  ({ temp, dataDir, open, hearth, spaceId } = await openTempHearth('Travel'));
});
afterEach(async () => {
  await hearth.dispose();
  await temp.cleanup();
});

describe('a citation of a document read again', () => {
  it('opens the new reading: text and original follow the replacement, and the passage is where it was', async () => {
    const added = await addFile('policy.md', travelPolicy);
    const citation = await askForCitation('How long do I have to claim a train refund?', 'policy.md');
    expect(citation.documentId).toBe(added.document.id);

    const current = await reread(added.document.id);
    expect(current.id).not.toBe(added.document.id);

    const { document, text } = await rpcCall(hearth, 'documents.text', { documentId: citation.documentId });
    expect(document.id).toBe(current.id);
    expect(text).toBe(travelPolicy);
    const original = await rpcCall(hearth, 'documents.original', { documentId: citation.documentId });
    expect(original.document.id).toBe(current.id);
    expect(Buffer.from(original.base64, 'base64').toString('utf8')).toBe(travelPolicy);

    const located = await rpcCall(hearth, 'citations.locate', { citation });
    expect(located.passage).toBe('same');
    expect(located.document.id).toBe(current.id);
    expect(located.citation).toMatchObject({ documentId: current.id, documentName: 'policy.md', start: citation.start, end: citation.end, headingPath: ['Travel policy', 'Refunds'] });
    expect(text.slice(located.citation.start, located.citation.end)).toContain('train tickets within 30 days');
    expect(hearth.documents.chunksOf(current.id).map((chunk) => String(chunk.id))).toContain(located.citation.chunkId);

    // The stored answer is history and keeps the id it was made with; the redirect survives a restart.
    await hearth.dispose();
    hearth = await open();
    expect((await rpcCall(hearth, 'citations.locate', { citation })).citation.documentId).toBe(current.id);
  });

  it('answers `current` for a citation whose document was never replaced', async () => {
    await addFile('policy.md', travelPolicy);
    const citation = await askForCitation('hotel cap Europe', 'policy.md');
    expect(await rpcCall(hearth, 'citations.locate', { citation })).toMatchObject({ passage: 'current', citation, document: { id: citation.documentId } });
  });

  it('follows a chain of replacements to the newest reading', async () => {
    const added = await addFile('policy.md', travelPolicy);
    const citation = await askForCitation('How long do I have to claim a train refund?', 'policy.md');
    const second = await reread(added.document.id);
    const third = await reread(second.id);

    expect((await rpcCall(hearth, 'documents.text', { documentId: added.document.id })).document.id).toBe(third.id);
    expect((await rpcCall(hearth, 'documents.text', { documentId: second.id })).document.id).toBe(third.id);
    expect((await rpcCall(hearth, 'documents.original', { documentId: added.document.id })).document.id).toBe(third.id);
    expect(await rpcCall(hearth, 'citations.locate', { citation })).toMatchObject({ passage: 'same', document: { id: third.id }, citation: { documentId: third.id } });
    // Both older readings point straight at the newest: deleting the middle one (done by the re-read) lost nothing.
    expect(hearth.replacements.replacedBy(added.document.id)).toBe(third.id);
    expect(hearth.replacements.replacedBy(second.id)).toBe(third.id);
  });

  it('says the document was deleted once the reading that replaced it is deleted', async () => {
    const added = await addFile('policy.md', travelPolicy);
    const citation = await askForCitation('How long do I have to claim a train refund?', 'policy.md');
    const current = await reread(added.document.id);
    await rpcCall(hearth, 'documents.delete', { documentId: current.id });

    const deleted = { code: 'NOT_FOUND', message: expect.stringContaining('was deleted from the library') };
    await expect(rpcCall(hearth, 'documents.text', { documentId: added.document.id })).rejects.toMatchObject(deleted);
    await expect(rpcCall(hearth, 'documents.original', { documentId: added.document.id })).rejects.toMatchObject(deleted);
    await expect(rpcCall(hearth, 'citations.locate', { citation })).rejects.toMatchObject(deleted);
    expect(hearth.replacements.replacedBy(added.document.id)).toBeUndefined();

    // Adding the same file again makes a new document; the old citation does not silently attach to it.
    await addFile('policy.md', travelPolicy);
    await expect(rpcCall(hearth, 'citations.locate', { citation })).rejects.toMatchObject(deleted);
  });
});

describe('a citation of a file added again with changes', () => {
  const lighthouse = 'The lighthouse keeper on Gannet Rock winds the clockwork lamp every nine hours and logs the tide in a blue ledger.';
  const handbookPages = (lamp: string): PdfBlock[][] => [
    [{ heading: 'Harbour handbook' }, { paragraph: 'Moorings in the inner basin are let by the season. Boats longer than nine metres use the outer pontoon.' }],
    [{ heading: 'Lighthouse' }, { paragraph: lamp }, { paragraph: 'Visitors may climb the tower on Saturdays when the sea is calm.' }],
  ];

  it('finds the passage where it moved, on the page it is on now', async () => {
    const first = await addFile('handbook.pdf', await buildPdf({ pages: handbookPages(lighthouse) }));
    const citation = await askForCitation('How often does the lighthouse keeper wind the clockwork lamp?', 'handbook.pdf');
    expect(citation).toMatchObject({ documentId: first.document.id, page: 2 });

    // The new edition has a page of notices in front: the passage is now on page 3.
    const notices: PdfBlock[] = [{ heading: 'Notices' }, { paragraph: 'The slipway is closed for repairs until the end of March.' }];
    const changed = await addFile('handbook.pdf', await buildPdf({ pages: [notices, ...handbookPages(lighthouse)] }));
    expect(changed.status).toBe('indexed');

    const located = await rpcCall(hearth, 'citations.locate', { citation });
    expect(located.passage).toBe('moved');
    expect(located.citation).toMatchObject({ documentId: changed.document.id, page: 3 });
    const { text } = await rpcCall(hearth, 'documents.text', { documentId: citation.documentId });
    expect(text.slice(located.citation.start, located.citation.end)).toContain('winds the clockwork lamp every nine hours');
  });

  it('opens at the top, saying so, when the passage is no longer in it word for word', async () => {
    await addFile('handbook.pdf', await buildPdf({ pages: handbookPages(lighthouse) }));
    const citation = await askForCitation('How often does the lighthouse keeper wind the clockwork lamp?', 'handbook.pdf');
    const changed = await addFile('handbook.pdf', await buildPdf({ pages: handbookPages(lighthouse.replace('nine hours', 'twelve hours')) }));

    const located = await rpcCall(hearth, 'citations.locate', { citation });
    expect(located).toMatchObject({ passage: 'missing', document: { id: changed.document.id }, citation: { start: 0, end: 0, page: 1 } });
  });
});

describe('a re-read finished by start-up recovery', () => {
  it('records the replacement too, so the old citation opens the recovered reading', async () => {
    const added = await addFile('policy.md', travelPolicy);
    const citation = await askForCitation('How long do I have to claim a train refund?', 'policy.md');
    await hearth.dispose();

    // What a kill between storing the new reading and making it ready leaves: a copy of the document, `indexing`.
    const db = new Database(path.join(dataDir, 'hearth.db'));
    const copyId = `${added.document.id.slice(0, 8)}-reread`;
    db.prepare(
      `INSERT INTO documents (id, space_id, name, format, sha256, size_bytes, normalized_text, created_at, status, project, page_count, warnings, source_path)
       SELECT ?, space_id, name, format, sha256, size_bytes, normalized_text, created_at, 'indexing', project, page_count, warnings, source_path FROM documents WHERE id = ?`,
    ).run(copyId, added.document.id);
    db.prepare(
      `INSERT INTO chunks (document_id, ordinal, heading_path, start_offset, end_offset, text, page_start, page_end, sheet, cells, slide)
       SELECT ?, ordinal, heading_path, start_offset, end_offset, text, page_start, page_end, sheet, cells, slide FROM chunks WHERE document_id = ?`,
    ).run(copyId, added.document.id);
    db.close();

    hearth = await open();
    expect(hearth.documents.list(spaceId).map((document) => document.id)).toEqual([copyId]);
    expect((await rpcCall(hearth, 'documents.text', { documentId: added.document.id })).document.id).toBe(copyId);
    expect(await rpcCall(hearth, 'citations.locate', { citation })).toMatchObject({ passage: 'same', citation: { documentId: copyId, start: citation.start } });
  });
});

describe('Replacements', () => {
  it('stops at a cycle in a damaged table instead of hanging, and answers NOT_FOUND', () => {
    const db = openDatabase(path.join(temp.dir, 'loose'));
    db.prepare(`INSERT INTO spaces (id, name, created_at) VALUES ('s', 'Loose', '2026-01-01T00:00:00.000Z')`).run();
    for (const id of ['x', 'y']) {
      db.prepare(
        `INSERT INTO documents (id, space_id, name, format, sha256, size_bytes, normalized_text, created_at, status)
         VALUES (?, 's', 'x.md', 'markdown', ?, 1, 'x', '2026-01-01T00:00:00.000Z', 'deleting')`,
      ).run(id, id.repeat(64));
    }
    // Written by hand: `record` would never make this loop (each replacement is a new reading).
    db.prepare(`INSERT INTO document_replacements (document_id, replaced_by, replaced_at) VALUES ('x', 'y', 'now'), ('y', 'x', 'now')`).run();
    const replacements = new Replacements(db, new Documents(db));
    expect(() => replacements.current('x')).toThrow(/was deleted from the library/);
    replacements.record('z', 'z');
    expect(replacements.replacedBy('z')).toBeUndefined();
    db.close();
  });
});
