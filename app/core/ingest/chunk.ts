/**
 * Splits normalized Markdown (plain text is Markdown without headings) into passages that follow its
 * structure: every chunk knows its heading path and its exact character range in the text.
 */
import type { Region } from './parsers/types.js';

export interface Chunk {
  headingPath: string[];
  start: number;
  end: number;
  text: string;
}

export interface ChunkOptions {
  /** Soft upper bound on a chunk's length in characters; paragraphs are packed up to it. */
  maxChars: number;
  /**
   * Characters of the previous chunk of the same section repeated at the start of the next, so a
   * sentence cut at a boundary is still found whole. Cut at a word boundary.
   */
  overlapChars: number;
}

/**
 * ~1200 characters is ~300 tokens of English or ~400 of Russian for the usual WordPiece/BPE embedders:
 * inside a 512-token window with room for the heading path. Sized in characters, not the embedder's own
 * tokens: the tokenizer lives in the embedder's worker, and a character budget keeps chunks stable when
 * the user switches embedders.
 */
const defaults: ChunkOptions = { maxChars: 1200, overlapChars: 150 };

interface Block {
  start: number;
  end: number;
  headingPath: string[];
  /** True while the block holds nothing but heading lines. */
  onlyHeadings: boolean;
}

export function chunkMarkdown(text: string, options: Partial<ChunkOptions> = {}): Chunk[] {
  const { maxChars, overlapChars } = { ...defaults, ...options };
  return withOverlap(text, packParagraphs(text, maxChars), overlapChars);
}

function packParagraphs(text: string, maxChars: number): Chunk[] {
  const chunks: Chunk[] = [];
  let pending: Block | undefined;
  const flush = () => {
    if (pending) chunks.push(...splitLong(text, pending, maxChars));
    pending = undefined;
  };
  for (const block of paragraphs(text)) {
    const fits = pending !== undefined && block.end - pending.start <= maxChars;
    if (pending && fits && samePath(pending.headingPath, block.headingPath)) {
      pending.end = block.end;
      pending.onlyHeadings &&= block.onlyHeadings;
      continue;
    }
    // A heading with no text of its own ("# Policy" right above "## Refunds") joins the section below it,
    // even when that section is long enough to be cut: a heading is never a passage of its own.
    if (pending && pending.onlyHeadings && isWithin(block.headingPath, pending.headingPath)) {
      pending.end = block.end;
      pending.headingPath = block.headingPath;
      pending.onlyHeadings = block.onlyHeadings;
      continue;
    }
    flush();
    pending = { ...block };
  }
  flush();
  return chunks;
}

const samePath = (a: string[], b: string[]) => a.length === b.length && a.every((title, i) => title === b[i]);
const isWithin = (inner: string[], outer: string[]) => inner.length >= outer.length && outer.every((title, i) => title === inner[i]);

/** Paragraphs (runs of non-blank lines) with the heading path in force where each starts. Headings are their own paragraphs. */
function* paragraphs(text: string): Generator<Block> {
  const headings: { level: number; title: string }[] = [];
  let inFence = false;
  let blockStart = -1;
  let blockEnd = -1;
  let blockPath: string[] = [];
  const path = () => headings.map((h) => h.title);
  let offset = 0;
  for (const line of text.split('\n')) {
    const lineStart = offset;
    const lineEnd = offset + line.length;
    offset = lineEnd + 1;
    const fence = /^\s{0,3}(```|~~~)/.test(line);
    const heading = !inFence && !fence ? /^\s{0,3}(#{1,6})\s+(.+?)\s*#*\s*$/.exec(line) : null;
    if (fence) inFence = !inFence;
    if (heading) {
      if (blockStart >= 0) yield { start: blockStart, end: blockEnd, headingPath: blockPath, onlyHeadings: false };
      const level = heading[1]!.length;
      while (headings.length > 0 && headings[headings.length - 1]!.level >= level) headings.pop();
      headings.push({ level, title: heading[2]! });
      yield { start: lineStart, end: lineEnd, headingPath: path(), onlyHeadings: true };
      blockStart = -1;
      continue;
    }
    if (line.trim() === '' && !inFence) {
      if (blockStart >= 0) yield { start: blockStart, end: blockEnd, headingPath: blockPath, onlyHeadings: false };
      blockStart = -1;
      continue;
    }
    if (blockStart < 0) {
      blockStart = lineStart;
      blockPath = path();
    }
    blockEnd = lineEnd;
  }
  if (blockStart >= 0) yield { start: blockStart, end: blockEnd, headingPath: blockPath, onlyHeadings: false };
}

/** Cuts a block longer than `maxChars` at sentence ends or white space, never inside a word. */
function splitLong(text: string, block: Block, maxChars: number): Chunk[] {
  const out: Chunk[] = [];
  let start = block.start;
  while (start < block.end) {
    let end = Math.min(block.end, start + maxChars);
    if (end < block.end) {
      const window = text.slice(start, end);
      const sentence = Math.max(window.lastIndexOf('. '), window.lastIndexOf('.\n'), window.lastIndexOf('! '), window.lastIndexOf('? '));
      const space = window.search(/\s\S*$/);
      const cut = sentence > maxChars / 2 ? sentence + 1 : space > maxChars / 2 ? space : -1;
      if (cut > 0) end = start + cut;
    }
    while (start < end && /\s/.test(text[start]!)) start++;
    let trimmedEnd = end;
    while (trimmedEnd > start && /\s/.test(text[trimmedEnd - 1]!)) trimmedEnd--;
    if (trimmedEnd > start) out.push({ headingPath: block.headingPath, start, end: trimmedEnd, text: text.slice(start, trimmedEnd) });
    start = end;
  }
  return out;
}

/** Starts each chunk a little before its predecessor in the same section ended, at a word boundary. */
function withOverlap(text: string, chunks: Chunk[], overlapChars: number): Chunk[] {
  if (overlapChars <= 0) return chunks;
  return chunks.map((chunk, i) => {
    const previous = chunks[i - 1];
    if (!previous || !samePath(previous.headingPath, chunk.headingPath)) return chunk;
    let start = Math.max(previous.start, chunk.start - overlapChars);
    while (start < chunk.start && !/\s/.test(text[start - 1] ?? ' ')) start++;
    while (start < chunk.start && /\s/.test(text[start]!)) start++;
    return start < chunk.start ? { ...chunk, start, text: text.slice(start, chunk.end) } : chunk;
  });
}

export interface ChunkLocation {
  pageStart?: number;
  pageEnd?: number;
  sheet?: string;
  cells?: string;
  slide?: number;
}

/** Where a chunk came from in the original file: the pages, sheet and cells, or slide its text overlaps. */
export function locateChunk(chunk: { start: number; end: number }, regions: readonly Region[]): ChunkLocation {
  const overlapping = regions.filter((region) => region.start < chunk.end && region.end > chunk.start);
  const pages = overlapping.flatMap((region) => (region.page === undefined ? [] : [region.page]));
  const sheetRegion = overlapping.find((region) => region.sheet !== undefined || region.cells !== undefined);
  const slide = overlapping.find((region) => region.slide !== undefined)?.slide;
  return {
    ...(pages.length > 0 ? { pageStart: Math.min(...pages), pageEnd: Math.max(...pages) } : {}),
    ...(sheetRegion?.sheet !== undefined ? { sheet: sheetRegion.sheet } : {}),
    ...(sheetRegion?.cells !== undefined ? { cells: sheetRegion.cells } : {}),
    ...(slide !== undefined ? { slide } : {}),
  };
}
