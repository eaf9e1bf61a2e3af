/**
 * The library filter as the user sets it, and as the SearchFilter a question is narrowed by: the same
 * documents either way, date bounds on the user's own calendar days.
 */
import { describe, expect, it } from 'vitest';
import { filterDocuments, noFilter, projectsOf, searchFilterOf, type DocumentFilter } from '../../../app/renderer/src/state/library-filter.js';
import type { DocumentInfo } from '../../../schemas/index.js';

/** A document added at local time `day` + `hour`:00, so the test reads the same in every time zone. */
function documentAdded(id: string, day: [number, number, number], hour: number, extra: Partial<DocumentInfo> = {}): DocumentInfo {
  const createdAt = new Date(day[0], day[1] - 1, day[2], hour).toISOString();
  return { id, spaceId: 's', name: `${id}.md`, format: 'markdown', sha256: 'a'.repeat(64), sizeBytes: 1, chunkCount: 1, createdAt, warnings: [], ...extra };
}

const filter = (change: Partial<DocumentFilter>): DocumentFilter => ({ ...noFilter, ...change });
const ids = (documents: DocumentInfo[]) => documents.map((document) => document.id);

describe('the library filter', () => {
  const documents = [
    documentAdded('early', [2026, 3, 1], 0, { project: 'Harbour' }),
    documentAdded('late', [2026, 3, 1], 23, { project: 'Garden', format: 'pdf' }),
    documentAdded('next', [2026, 3, 2], 9),
  ];

  it('takes both dates of a range whole, on the user’s calendar', () => {
    expect(ids(filterDocuments(documents, filter({ addedFrom: '2026-03-01', addedTo: '2026-03-01' })))).toEqual(['early', 'late']);
    expect(ids(filterDocuments(documents, filter({ addedFrom: '2026-03-02' })))).toEqual(['next']);
    expect(ids(filterDocuments(documents, filter({ addedTo: '2026-02-28' })))).toEqual([]);
  });

  it('filters by project and lists the projects present, sorted', () => {
    expect(ids(filterDocuments(documents, filter({ project: 'Garden' })))).toEqual(['late']);
    expect(projectsOf(documents)).toEqual(['Garden', 'Harbour']);
  });

  it('asks of exactly the documents shown, by id', () => {
    const shown = filterDocuments(documents, filter({ text: 'EAR' }));
    expect(searchFilterOf(filter({ text: 'EAR' }), shown)).toEqual({ documentIds: ['early'] });
  });

  it('past the ids a SearchFilter may list, says the same with its other fields, or nothing with a name filter', () => {
    const many = Array.from({ length: 1001 }, (_, i) => documentAdded(`d${i}`, [2026, 3, 1], 12, { project: 'Harbour', format: 'pdf' }));
    const byFields = filter({ project: 'Harbour', format: 'pdf', addedFrom: '2026-03-01', addedTo: '2026-03-01' });
    expect(searchFilterOf(byFields, filterDocuments(many, byFields))).toEqual({
      types: ['pdf'],
      projects: ['Harbour'],
      createdFrom: new Date(2026, 2, 1).toISOString(),
      createdBefore: new Date(2026, 2, 2).toISOString(),
    });
    expect(searchFilterOf(filter({ text: 'd' }), many)).toBeUndefined();
  });
});
