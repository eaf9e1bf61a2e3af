import { describe, expect, it } from 'vitest';
import { chunkMarkdown, locateChunk } from '../../../app/core/ingest/index.js';
import { travelPolicy } from '../../fixtures/documents.js';

describe('chunkMarkdown', () => {
  it('cuts passages that follow the headings, with exact offsets into the text', () => {
    const chunks = chunkMarkdown(travelPolicy);
    for (const chunk of chunks) expect(travelPolicy.slice(chunk.start, chunk.end)).toBe(chunk.text);
    expect(chunks.map((chunk) => chunk.headingPath)).toEqual([
      ['Travel policy'],
      ['Travel policy', 'Refunds'],
      ['Travel policy', 'Hotels'],
      ['Travel policy', 'Hotels', 'Exceptions'],
    ]);
    expect(chunks[1]!.text).toBe(
      '## Refunds\n\nEmployees may claim a refund for train tickets within 30 days of travel. Receipts are required.',
    );
  });

  it('folds a heading with no text of its own into the section below it', () => {
    const chunks = chunkMarkdown('# Manual\n\n## Setup\n\nPlug it in.\n');
    expect(chunks).toHaveLength(1);
    expect(chunks[0]).toMatchObject({ headingPath: ['Manual', 'Setup'], text: '# Manual\n\n## Setup\n\nPlug it in.' });
  });

  it('does not take a # line inside a code fence for a heading', () => {
    const text = '# Build\n\n```sh\n# not a heading\nmake\n```\n';
    const chunks = chunkMarkdown(text);
    expect(chunks.every((chunk) => !chunk.headingPath.includes('not a heading'))).toBe(true);
    expect(chunks.map((chunk) => chunk.text).join('\n')).toContain('# not a heading');
  });

  it('splits a long paragraph at sentence ends, keeping every character of it', () => {
    const sentence = 'The quick brown fox jumps over the lazy dog near the river bank. ';
    const text = sentence.repeat(60).trim();
    const chunks = chunkMarkdown(text, { maxChars: 300, overlapChars: 0 });
    expect(chunks.length).toBeGreaterThan(10);
    for (const chunk of chunks) {
      expect(chunk.text.length).toBeLessThanOrEqual(300);
      expect(chunk.text.endsWith('.')).toBe(true);
      expect(text.slice(chunk.start, chunk.end)).toBe(chunk.text);
    }
    expect(chunks.map((chunk) => chunk.text).join(' ')).toBe(text);
  });

  it('repeats the end of the previous chunk of a section at the start of the next, at a word boundary', () => {
    const sentence = 'The quick brown fox jumps over the lazy dog near the river bank. ';
    const text = `# Fox\n\n${sentence.repeat(20).trim()}\n\n# Dog\n\nA different section.`;
    const plain = chunkMarkdown(text, { maxChars: 300, overlapChars: 0 });
    const overlapped = chunkMarkdown(text, { maxChars: 300, overlapChars: 60 });
    expect(overlapped.map((chunk) => chunk.end)).toEqual(plain.map((chunk) => chunk.end));
    for (const [i, chunk] of overlapped.entries()) {
      expect(text.slice(chunk.start, chunk.end)).toBe(chunk.text);
      const previous = plain[i - 1];
      if (i === 0 || previous!.headingPath[0] !== chunk.headingPath[0]) {
        expect(chunk.start).toBe(plain[i]!.start); // a section's first chunk does not reach back
        continue;
      }
      expect(chunk.start).toBeLessThan(plain[i]!.start);
      expect(plain[i]!.start - chunk.start).toBeLessThanOrEqual(60);
      expect(text[chunk.start - 1]).toMatch(/\s/);
    }
  });

  it('locates a chunk in the pages, sheet or slide it overlaps', () => {
    const regions = [
      { start: 0, end: 100, page: 1 },
      { start: 100, end: 250, page: 2 },
      { start: 250, end: 400, page: 3 },
    ];
    expect(locateChunk({ start: 90, end: 260 }, regions)).toEqual({ pageStart: 1, pageEnd: 3 });
    expect(locateChunk({ start: 120, end: 200 }, regions)).toEqual({ pageStart: 2, pageEnd: 2 });
    expect(locateChunk({ start: 5, end: 20 }, [{ start: 0, end: 50, sheet: 'Q1', cells: 'A1:C4' }])).toEqual({ sheet: 'Q1', cells: 'A1:C4' });
    expect(locateChunk({ start: 5, end: 20 }, [{ start: 0, end: 50, slide: 4 }])).toEqual({ slide: 4 });
    expect(locateChunk({ start: 5, end: 20 }, [])).toEqual({});
  });

  it('treats plain text as paragraphs with an empty heading path', () => {
    const chunks = chunkMarkdown('First paragraph.\n\nSecond paragraph.');
    expect(chunks).toEqual([{ headingPath: [], start: 0, end: 35, text: 'First paragraph.\n\nSecond paragraph.' }]);
  });
});
