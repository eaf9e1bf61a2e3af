/**
 * Chunking in tokens: passages follow the Markdown structure, carry exact offsets, and fit the budget as
 * the embedder counts it — here words (a counter whose arithmetic the tests can check), the estimate, and
 * the real tokenizer of a tiny ONNX encoder in its worker.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chunkBudget, chunkMarkdown, locateChunk, type ChunkOptions } from '../../../app/core/ingest/index.js';
import { searchableText, type Chunk } from '../../../app/core/library/index.js';
import { HashEmbedder } from '../../../app/core/models/index.js';
import { LocalEmbedder } from '../../../app/core/models/local-transformers.js';
import { estimateTokens } from '../../../app/core/models/token-estimate.js';
import { travelPolicy } from '../../fixtures/documents.js';
import { writeTinyEncoder } from '../../fixtures/models/onnx/index.js';
import { makeTempDir } from '../../fixtures/temp-dir.js';

/** One token per word or punctuation mark. */
const words = (text: string) => (text.match(/[\p{L}\p{N}]+|[^\s\p{L}\p{N}]/gu) ?? []).length;
const byWords = (maxTokens: number, overlapTokens: number): ChunkOptions => ({ maxTokens, overlapTokens, countTokens: async (texts) => texts.map(words) });

function expectExactOffsets(text: string, chunks: Chunk[]): void {
  for (const chunk of chunks) expect(text.slice(chunk.start, chunk.end)).toBe(chunk.text);
}

describe('chunkMarkdown', () => {
  it('cuts passages that follow the headings, with exact offsets into the text', async () => {
    const chunks = await chunkMarkdown(travelPolicy, byWords(256, 32));
    expectExactOffsets(travelPolicy, chunks);
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

  it('folds a heading with no text of its own into the section below it', async () => {
    const chunks = await chunkMarkdown('# Manual\n\n## Setup\n\nPlug it in.\n', byWords(256, 32));
    expect(chunks).toHaveLength(1);
    expect(chunks[0]).toMatchObject({ headingPath: ['Manual', 'Setup'], text: '# Manual\n\n## Setup\n\nPlug it in.' });
  });

  it('does not take a # line inside a code fence for a heading', async () => {
    const text = '# Build\n\n```sh\n# not a heading\nmake\n```\n';
    const chunks = await chunkMarkdown(text, byWords(256, 32));
    expect(chunks.every((chunk) => !chunk.headingPath.includes('not a heading'))).toBe(true);
    expect(chunks.map((chunk) => chunk.text).join('\n')).toContain('# not a heading');
  });

  it('splits a long paragraph between sentences so that heading path and text fit the token budget', async () => {
    const sentence = 'The quick brown fox jumps over the lazy dog near the river bank. ';
    const text = `# Fox\n\n${sentence.repeat(60).trim()}`;
    const chunks = await chunkMarkdown(text, byWords(60, 0));
    expect(chunks.length).toBeGreaterThan(10);
    expectExactOffsets(text, chunks);
    for (const chunk of chunks) {
      expect(words(searchableText(chunk))).toBeLessThanOrEqual(60);
      expect(chunk.text.endsWith('.')).toBe(true);
    }
    // Nothing is lost: the chunks, without overlap, are the text.
    expect(chunks.map((chunk) => chunk.text).join(' ')).toBe(text);
  });

  it('repeats the end of the previous chunk of a section, within the budget, whole sentences first', async () => {
    const sentence = 'The quick brown fox jumps over the lazy dog near the river bank. ';
    const text = `# Fox\n\n${sentence.repeat(20).trim()}\n\n# Dog\n\nA different section.`;
    const plain = await chunkMarkdown(text, byWords(60, 0));
    const overlapped = await chunkMarkdown(text, byWords(60, 15));
    expectExactOffsets(text, overlapped);
    for (const [i, chunk] of overlapped.entries()) {
      expect(words(searchableText(chunk))).toBeLessThanOrEqual(60);
      const previous = overlapped[i - 1];
      if (!previous || previous.headingPath[0] !== chunk.headingPath[0]) {
        expect(chunk.text.startsWith('# ') || chunk.text.startsWith('The ') || chunk.text.startsWith('A ')).toBe(true);
        continue;
      }
      // A sentence is 14 tokens: the overlap is the previous chunk's last sentence, whole.
      expect(chunk.start).toBeLessThan(previous.end);
      expect(text.slice(chunk.start, previous.end)).toBe(sentence.trim());
    }
    expect(overlapped.length).toBeGreaterThanOrEqual(plain.length);
    expect(overlapped.at(-1)!.text).toBe('# Dog\n\nA different section.');
  });

  it('takes the end of a sentence from a word boundary when no whole sentence fits the overlap', async () => {
    const sentence = 'Alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma tau upsilon. ';
    const text = sentence.repeat(8).trim();
    const chunks = await chunkMarkdown(text, byWords(64, 8));
    expectExactOffsets(text, chunks);
    const second = chunks[1]!;
    expect(second.text.startsWith('Alpha')).toBe(false);
    expect(text[second.start - 1]).toMatch(/\s/);
    expect(words(second.text.slice(0, second.text.indexOf('. ') + 1))).toBeLessThanOrEqual(8);
  });

  it('cuts a run of text with no sentence end at white space, and text with no white space at all', async () => {
    const noStops = Array.from({ length: 400 }, (_, i) => `word${i}`).join(' ');
    const chunks = await chunkMarkdown(noStops, byWords(50, 0));
    expectExactOffsets(noStops, chunks);
    for (const chunk of chunks) expect(words(chunk.text)).toBeLessThanOrEqual(50);
    expect(chunks.map((chunk) => chunk.text).join(' ')).toBe(noStops);

    const cjk = '知識は力なり'.repeat(200);
    const estimated = await chunkMarkdown(cjk, { maxTokens: 100, overlapTokens: 0, countTokens: async (texts) => texts.map(estimateTokens) });
    expectExactOffsets(cjk, estimated);
    for (const chunk of estimated) expect(estimateTokens(chunk.text)).toBeLessThanOrEqual(100);
    expect(estimated.map((chunk) => chunk.text).join('')).toBe(cjk);
  });

  it('refuses a budget it cannot pack', async () => {
    await expect(chunkMarkdown('Text.', byWords(4, 0))).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(chunkMarkdown('Text.', byWords(40, 20))).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('sizes chunks to the embedder: the default size, smaller for a model with a smaller window', () => {
    expect(chunkBudget({ maxTokens: 512 })).toEqual({ maxTokens: 256, overlapTokens: 32 });
    expect(chunkBudget(new HashEmbedder())).toEqual({ maxTokens: 256, overlapTokens: 32 });
    expect(chunkBudget({ maxTokens: 128 })).toEqual({ maxTokens: 126, overlapTokens: 15 });
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

  it('treats plain text as paragraphs with an empty heading path', async () => {
    const chunks = await chunkMarkdown('First paragraph.\n\nSecond paragraph.', byWords(256, 32));
    expect(chunks).toEqual([{ headingPath: [], start: 0, end: 35, text: 'First paragraph.\n\nSecond paragraph.' }]);
  });
});

describe('chunkMarkdown with a real tokenizer', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let embedder: LocalEmbedder;

  beforeAll(async () => {
    temp = await makeTempDir('hearth-chunk-tokens-');
    const dir = await writeTinyEncoder(path.join(temp.dir, 'encoder'), { hidden: 16 });
    embedder = await LocalEmbedder.create({ kind: 'local', path: dir, absolutePath: dir, format: 'onnx' });
  });

  afterAll(async () => {
    await embedder?.dispose();
    await temp?.cleanup();
  });

  it('fits every chunk, heading path included, in the window the model reads', async () => {
    const budget = chunkBudget(embedder);
    expect(budget.maxTokens).toBe(embedder.maxTokens - 2);
    const paragraph = 'the fire in the hearth keeps the kitchen warm while snow falls on the forest at night. ';
    const text = `# Winter\n\n## Kitchen\n\n${paragraph.repeat(12)}\n\n## Library\n\n${'search the document library by the river. '.repeat(9)}`;
    const chunks = await chunkMarkdown(text, { ...budget, countTokens: (texts, options) => embedder.countTokens(texts, options) });
    expect(chunks.length).toBeGreaterThan(3);
    expectExactOffsets(text, chunks);
    const counts = await embedder.countTokens(chunks.map(searchableText));
    for (const count of counts) expect(count).toBeLessThanOrEqual(budget.maxTokens);
    // Packed, not crumbled: most chunks use more than half the budget.
    expect(counts.filter((count) => count > budget.maxTokens / 2).length).toBeGreaterThanOrEqual(chunks.length - 2);
  });
});
