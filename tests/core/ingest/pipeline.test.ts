import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Hearth } from '../../../app/core/index.js';
import type { SearchFilter } from '../../../schemas/index.js';
import { buildEncryptedPdf } from '../../fixtures/documents/encrypted-pdf.js';
import { buildPptx, buildXlsx } from '../../fixtures/documents/office.js';
import { buildPdf } from '../../fixtures/documents/pdf.js';
import { drain, ingestFile, openTempHearth, search } from '../../fixtures/hearth-runner.js';

let temp: { dir: string; cleanup(): Promise<void> };
let dataDir: string;
let hearth: Hearth;
let spaceId: string;

let open: () => Promise<Hearth>;

async function addFile(name: string, bytes: Uint8Array | string) {
  const file = path.join(temp.dir, name);
  await writeFile(file, bytes);
  return ingestFile(hearth, spaceId, { kind: 'path', path: file });
}

beforeEach(async () => {
  ({ temp, dataDir, open, hearth, spaceId } = await openTempHearth('Contracts'));
});
afterEach(async () => {
  await hearth.dispose();
  await temp.cleanup();
});

describe('the ingest pipeline on real formats', () => {
  it('cites the PDF page, the sheet and cells, and the slide a passage came from', async () => {
    const pdf = await buildPdf({
      pages: [
        [{ heading: 'Supply agreement' }, { paragraph: 'The parties agree on the delivery of turbines.' }],
        [{ heading: 'Penalties' }, { paragraph: 'A late delivery costs the supplier two percent per week of delay.' }],
      ],
    });
    const { result } = await addFile('agreement.pdf', pdf);
    expect(result.document).toMatchObject({ format: 'pdf', pageCount: 2 });
    const [pdfHit] = await search(hearth, spaceId, 'late delivery penalty per week', 3);
    expect(pdfHit!.citation).toMatchObject({ documentName: 'agreement.pdf', page: 2 });
    const text = (await hearth.documents.text(result.document.id)).slice(pdfHit!.citation.start, pdfHit!.citation.end);
    expect(text).toContain('two percent per week');

    await addFile('budget.xlsx', await buildXlsx([{ name: 'Q3', rows: [['Item', 'Cost'], ['Turbine blades', 41000], ['Gearbox', 12000]] }]));
    const [sheetHit] = await search(hearth, spaceId, 'turbine blades cost', 3);
    expect(sheetHit!.citation).toMatchObject({ documentName: 'budget.xlsx', sheet: 'Q3' });
    expect(sheetHit!.citation.cells).toMatch(/^A1:B\d+$/);

    await addFile('kickoff.pptx', await buildPptx([{ title: 'Welcome' }, { title: 'Milestones', bullets: ['Foundation poured by March'] }]));
    const [slideHit] = await search(hearth, spaceId, 'foundation poured march', 3);
    expect(slideHit!.citation).toMatchObject({ documentName: 'kickoff.pptx', slide: 2 });

    // Metadata filters narrow within the space: by type, by document, by date.
    const names = async (filter: SearchFilter) =>
      new Set((await search(hearth, spaceId, 'turbine delivery foundation cost', 10, filter)).map((hit) => hit.citation.documentName));
    expect(await names({ types: ['pdf'] })).toEqual(new Set(['agreement.pdf']));
    expect(await names({ documentIds: [result.document.id] })).toEqual(new Set(['agreement.pdf']));
    expect(await names({ types: ['xlsx', 'pptx'] })).toEqual(new Set(['budget.xlsx', 'kickoff.pptx']));
    expect(await names({ createdBefore: '2000-01-01T00:00:00Z' })).toEqual(new Set());
  });

  it('says how far the embedding of a long file has come, in order, between chunking and indexing', async () => {
    const sections = Array.from({ length: 400 }, (_, i) => `## Berth ${i + 1}\n\nVessel ${i + 1} moored at berth ${i + 1} on the morning tide.`);
    const { events, result } = await addFile('berths.md', `# Berths\n\n${sections.join('\n\n')}\n`);
    expect(result.document.chunkCount).toBeGreaterThan(64);
    const embedding = events.filter((event) => event.stage === 'embedding').map((event) => event.fraction);
    expect(embedding.length).toBeGreaterThan(2);
    expect(embedding[0]).toBe(0.65);
    for (let i = 1; i < embedding.length; i++) expect(embedding[i]!).toBeGreaterThan(embedding[i - 1]!);
    expect(embedding.at(-1)!).toBeLessThan(0.8);
    expect(events.map((event) => event.stage).filter((stage, i, all) => stage !== all[i - 1])).toEqual(['reading', 'parsing', 'chunking', 'embedding', 'indexing', 'done']);
  });

  it('asks for the password of an encrypted PDF, then reads it with the right one', async () => {
    const file = path.join(temp.dir, 'sealed.pdf');
    await writeFile(file, buildEncryptedPdf({ userPassword: 'hearth', text: 'The vault code is kept by the harbour master.' }));
    const ingest = (password?: string) => ingestFile(hearth, spaceId, { kind: 'path', path: file }, { password });
    await expect(ingest()).rejects.toMatchObject({ code: 'PASSWORD_REQUIRED' });
    await expect(ingest('wrong')).rejects.toMatchObject({ code: 'PASSWORD_INCORRECT' });
    expect((await ingest('hearth')).result.status).toBe('indexed');
    expect((await search(hearth, spaceId, 'vault code harbour master', 3))[0]?.citation).toMatchObject({ documentName: 'sealed.pdf', page: 1 });
  });

  it('replaces a changed file added again from the same path, and deletes from every store', async () => {
    await addFile('notes.md', '# Notes\n\nThe kickoff meeting is on Monday.\n');
    const second = await addFile('notes.md', '# Notes\n\nThe kickoff meeting moved to Thursday.\n');
    expect(second.result.status).toBe('indexed');
    const documents = hearth.documents.list(spaceId);
    expect(documents.map((document) => document.id)).toEqual([second.result.document.id]);
    // Nothing of the old version is found any more, by keyword or by vector.
    const cited = async (query: string) => (await search(hearth, spaceId, query, 5)).map((hit) => hit.text);
    expect((await cited('Monday')).join(' ')).not.toContain('Monday');
    expect((await search(hearth, spaceId, 'Thursday', 5))[0]?.citation.documentId).toBe(second.result.document.id);

    await hearth.call('documents.delete', { documentId: second.result.document.id });
    expect(hearth.documents.list(spaceId)).toEqual([]);
    expect(await search(hearth, spaceId, 'Thursday', 5)).toEqual([]);
    await hearth.dispose();
    hearth = await open();
    expect(await search(hearth, spaceId, 'Thursday', 5)).toEqual([]);
  });

  it('finishes a document left indexing and removes one left deleting by a crash, so the stores agree', async () => {
    const kept = await addFile('kept.md', '# Kept\n\nLanterns hang on the east wall.\n');
    const gone = await addFile('gone.md', '# Gone\n\nBenches are oiled in spring.\n');
    await hearth.dispose();
    // What a kill between transactions leaves behind: one document still indexing, one half deleted.
    const db = new Database(path.join(dataDir, 'hearth.db'));
    db.prepare(`UPDATE documents SET status = 'indexing' WHERE id = ?`).run(kept.result.document.id);
    db.prepare(`UPDATE documents SET status = 'deleting' WHERE id = ?`).run(gone.result.document.id);
    db.close();

    hearth = await open();
    expect(hearth.documents.list(spaceId).map((document) => document.name)).toEqual(['kept.md']);
    expect((await search(hearth, spaceId, 'lanterns east wall', 5))[0]?.citation.documentName).toBe('kept.md');
    expect((await search(hearth, spaceId, 'benches oiled spring', 5)).map((hit) => hit.citation.documentName)).not.toContain('gone.md');
  });
});
