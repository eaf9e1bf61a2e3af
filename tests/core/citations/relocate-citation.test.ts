/**
 * Moving a citation into a newer reading of its document: kept where it was when the text there is unchanged,
 * found elsewhere (exact, then with white space counted loosely) when it moved, and the top of the document
 * with `missing` when it is gone; the page, heading and chunk come from the new reading's chunks.
 */
import { describe, expect, it } from 'vitest';
import { relocateCitation, relocatePassage, type ReadingChunk } from '../../../app/core/citations/index.js';
import type { Citation } from '../../../schemas/index.js';

const passage = 'Employees may claim a refund for train tickets within 30 days of travel.';
const oldText = `# Travel policy\n\n## Refunds\n\n${passage}\n`;
const oldStart = oldText.indexOf(passage);

function citationOf(text: string, start: number, end: number, extra: Partial<Citation> = {}): Citation {
  const cited = text.slice(start, end);
  return {
    documentId: 'old-reading',
    documentName: 'policy.md',
    chunkId: '7',
    headingPath: ['Travel policy', 'Refunds'],
    start,
    end,
    snippet: cited.length > 240 ? `${cited.slice(0, 240)}…` : cited,
    ...extra,
  };
}

describe('relocatePassage', () => {
  it('keeps the offsets when the new text holds the same passage there', () => {
    const cited = citationOf(oldText, oldStart, oldStart + passage.length);
    expect(relocatePassage(oldText, cited)).toEqual({ start: oldStart, end: oldStart + passage.length, match: 'same-offsets' });
  });

  it('finds the passage where it moved, the occurrence nearest its old place first', () => {
    const cited = citationOf(oldText, oldStart, oldStart + passage.length);
    const moved = `# Travel policy\n\nA new introduction.\n\n## Refunds\n\n${passage}\n\n## Again\n\n${passage}\n`;
    const place = relocatePassage(moved, cited)!;
    expect(place.match).toBe('exact');
    expect(place.start).toBe(moved.indexOf(passage));
    expect(moved.slice(place.start, place.end)).toBe(passage);
  });

  it('finds the passage when only its white space changed, and maps the place back to the new text', () => {
    const cited = citationOf(oldText, oldStart, oldStart + passage.length);
    const rewrapped = `# Travel policy\n\n## Refunds\n\nSee below.\n\nEmployees may claim a refund for train\ntickets  within 30 days of travel.\n`;
    const place = relocatePassage(rewrapped, cited)!;
    expect(place.match).toBe('whitespace');
    expect(rewrapped.slice(place.start, place.end)).toBe('Employees may claim a refund for train\ntickets  within 30 days of travel.');
  });

  it('takes a snippet cut at 240 characters as the beginning of a passage as long as it was', () => {
    const long = `${'The quick brown fox jumps over the lazy dog. '.repeat(10)}End.`;
    const text = `# Notes\n\n${long}\n`;
    const start = text.indexOf(long);
    const cited = citationOf(text, start, start + long.length);
    expect(cited.snippet.endsWith('…')).toBe(true);
    expect(relocatePassage(text, cited)).toEqual({ start, end: start + long.length, match: 'same-offsets' });

    const shifted = `# Notes\n\nA line added above.\n\n${long}\n`;
    const place = relocatePassage(shifted, cited)!;
    expect(place).toMatchObject({ match: 'exact', start: shifted.indexOf(long) });
    expect(shifted.slice(place.start, place.end)).toBe(long);
  });

  it('gives up when the passage is not there word for word', () => {
    const cited = citationOf(oldText, oldStart, oldStart + passage.length);
    const edited = oldText.replace('30 days', '60 days');
    expect(relocatePassage(edited, cited)).toBeUndefined();
    expect(relocatePassage('', cited)).toBeUndefined();
  });
});

describe('relocateCitation', () => {
  const pdfText = `# Handbook\n\nMoorings are let by the season.\n\n# Lighthouse\n\n${passage}\n`;
  const pdfChunks: ReadingChunk[] = [
    { id: 40, headingPath: ['Handbook'], start: 12, end: 44, location: { pageStart: 1, pageEnd: 1 } },
    { id: 41, headingPath: ['Lighthouse'], start: pdfText.indexOf(passage) - 5, end: pdfText.length - 1, location: { pageStart: 2, pageEnd: 2 } },
  ];
  const reading = { document: { id: 'new-reading', name: 'handbook.pdf' }, text: pdfText, chunks: pdfChunks };

  it('points the citation into the new reading, with the chunk, heading and page the passage is on now', () => {
    const cited = citationOf(oldText, oldStart, oldStart + passage.length, { page: 1 });
    const { citation, passage: found } = relocateCitation(cited, reading);
    expect(found).toBe('moved');
    expect(citation).toEqual({
      documentId: 'new-reading',
      documentName: 'handbook.pdf',
      chunkId: '41',
      headingPath: ['Lighthouse'],
      start: pdfText.indexOf(passage),
      end: pdfText.indexOf(passage) + passage.length,
      snippet: passage,
      page: 2,
    });
  });

  it('says when the passage stayed where it was', () => {
    const start = pdfText.indexOf(passage);
    expect(relocateCitation(citationOf(pdfText, start, start + passage.length), reading).passage).toBe('same');
  });

  it('names the range of pages when the passage now runs over two chunks on different pages', () => {
    const start = pdfText.indexOf('Moorings');
    const spanning = citationOf(pdfText, start, pdfText.indexOf(' within'));
    const { citation } = relocateCitation(spanning, reading);
    expect(citation).toMatchObject({ chunkId: '40', page: 1, pageEnd: 2 });
  });

  it('opens the document at the top, on its first page, when the passage is gone', () => {
    const cited = citationOf(oldText, oldStart, oldStart + passage.length, { page: 2 });
    const { citation, passage: found } = relocateCitation(cited, { ...reading, text: pdfText.replace('train', 'ferry') });
    expect(found).toBe('missing');
    expect(citation).toMatchObject({ documentId: 'new-reading', chunkId: '40', start: 0, end: 0, page: 1, headingPath: ['Handbook'], snippet: passage });
  });
});
