import { describe, expect, it } from 'vitest';
import { chunkMarkdown } from '../../../app/core/ingest/index.js';
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
    const chunks = chunkMarkdown(text, { maxChars: 300 });
    expect(chunks.length).toBeGreaterThan(10);
    for (const chunk of chunks) {
      expect(chunk.text.length).toBeLessThanOrEqual(300);
      expect(chunk.text.endsWith('.')).toBe(true);
      expect(text.slice(chunk.start, chunk.end)).toBe(chunk.text);
    }
    expect(chunks.map((chunk) => chunk.text).join(' ')).toBe(text);
  });

  it('treats plain text as paragraphs with an empty heading path', () => {
    const chunks = chunkMarkdown('First paragraph.\n\nSecond paragraph.');
    expect(chunks).toEqual([{ headingPath: [], start: 0, end: 35, text: 'First paragraph.\n\nSecond paragraph.' }]);
  });
});
