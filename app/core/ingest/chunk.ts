/**
 * Splits normalized Markdown (plain text is Markdown without headings) into passages that follow its
 * structure and fit the active embedder: every chunk knows its heading path and its exact character range
 * in the text, and is sized in the embedder's own tokens, so no passage is cut short when it is embedded.
 */
import { HearthError } from '../../../schemas/index.js';
import type { Chunk, ChunkLocation } from '../library/index.js';
import type { Region } from '../parsers/index.js';

/** How a chunk is sized: what the embedder reads of it (heading path and text together). */
export interface ChunkBudget {
  /** The most tokens of a chunk's searchable text: its heading path plus its text. */
  maxTokens: number;
  /**
   * Tokens of the previous chunk of the same section repeated at the start of the next (within
   * `maxTokens`), so a passage cut at a boundary is still found whole: whole sentences where they fit,
   * else the end of one from a word boundary.
   */
  overlapTokens: number;
}

export interface ChunkOptions extends ChunkBudget {
  /** Tokens per text, without special tokens (the active embedder's `countTokens`). */
  countTokens(texts: string[], options?: { signal?: AbortSignal }): Promise<number[]>;
  signal?: AbortSignal;
}

/**
 * 256 tokens (~190 English words) make passages precise enough to cite and leave room in the 512-token
 * window of the usual embedders; 32 tokens of overlap (one sentence or so) keep a boundary's context.
 */
export const defaultChunkTokens = 256;
export const defaultOverlapTokens = 32;
/** [CLS] … [SEP], <s> … </s>: what a model adds around a text inside its window. */
const specialTokens = 2;

/** The budget for an embedder: the default size, smaller when the model's window is smaller. */
export function chunkBudget(embedder: { maxTokens: number }): ChunkBudget {
  const window = embedder.maxTokens - specialTokens;
  const maxTokens = Math.max(16, Math.min(defaultChunkTokens, window));
  return { maxTokens, overlapTokens: Math.min(defaultOverlapTokens, Math.floor(maxTokens / 8)) };
}

interface Block {
  start: number;
  end: number;
  headingPath: string[];
  /** True while the block holds nothing but heading lines. */
  onlyHeadings: boolean;
}

/** A sentence, a line of a list or table, or a part of an overlong one: the unit chunks are packed from. */
interface Piece {
  start: number;
  end: number;
  tokens: number;
}

interface Section {
  headingPath: string[];
  onlyHeadings: boolean;
  pieces: Piece[];
  tokens: number;
}

export async function chunkMarkdown(text: string, options: ChunkOptions): Promise<Chunk[]> {
  const { maxTokens, overlapTokens, signal } = options;
  if (!(maxTokens >= 8) || !(overlapTokens >= 0) || overlapTokens >= maxTokens / 2) {
    throw new HearthError('BAD_REQUEST', `A chunk budget of ${maxTokens} tokens with ${overlapTokens} of overlap cannot be packed: give at least 8 tokens and less than half of them as overlap.`);
  }
  const blocks = [...paragraphs(text)];
  const count = (texts: string[]) => countAll(texts, options);
  const pathLabels = [...new Set(blocks.map((block) => block.headingPath.join('\n')).filter((label) => label !== ''))];
  const labelCounts = await count(pathLabels);
  const pathTokens = new Map(pathLabels.map((label, i) => [label, labelCounts[i]!]));
  // What a chunk's own text may hold: the budget less its heading path (at most half of it) and the overlap it may take on.
  const contentLimit = (headingPath: string[]) => {
    const heading = headingPath.length === 0 ? 0 : (pathTokens.get(headingPath.join('\n')) ?? 0) + 1;
    return Math.max(4, maxTokens - Math.min(heading, Math.floor(maxTokens / 2)) - overlapTokens);
  };
  const smallestLimit = Math.max(4, Math.ceil(maxTokens / 2) - overlapTokens);

  const blockPieces = blocks.map((block) => sentences(text, block.start, block.end));
  const pieces = await fitPieces(text, blockPieces.flat(), smallestLimit, count);
  const piecesOf = new Map<Block, Piece[]>();
  let next = 0;
  for (const block of blocks) {
    const own: Piece[] = [];
    while (next < pieces.length && pieces[next]!.start < block.end) own.push(pieces[next++]!);
    piecesOf.set(block, own);
  }
  if (signal?.aborted) throw new HearthError('CANCELLED', 'Chunking was cancelled.');

  const packed = packSections(blocks, piecesOf, contentLimit);
  return withOverlap(text, packed, overlapTokens);
}

/** Counts in calls of a few thousand texts, so a long document shows no stall and cancels between calls. */
async function countAll(texts: string[], options: ChunkOptions): Promise<number[]> {
  const counts: number[] = [];
  for (let start = 0; start < texts.length; start += 4000) {
    if (options.signal?.aborted) throw new HearthError('CANCELLED', 'Chunking was cancelled.');
    const batch = texts.slice(start, start + 4000);
    const batchCounts = await options.countTokens(batch, options.signal ? { signal: options.signal } : {});
    if (batchCounts.length !== batch.length || batchCounts.some((n) => !(n >= 0))) {
      throw new HearthError('INTERNAL', `The embedder counted tokens for ${batchCounts.length} of ${batch.length} texts.`);
    }
    counts.push(...batchCounts);
  }
  return counts;
}

/**
 * Counts every piece and cuts any longer than `limit` tokens (a sentence without an end, a wide table row)
 * at white space into parts that fit, recounting them; text with no white space is cut between characters.
 */
async function fitPieces(text: string, spans: { start: number; end: number }[], limit: number, count: (texts: string[]) => Promise<number[]>): Promise<Piece[]> {
  const counts = await count(spans.map((span) => text.slice(span.start, span.end)));
  let pieces: Piece[] = spans.map((span, i) => ({ ...span, tokens: counts[i]! }));
  for (let round = 0; round < 6 && pieces.some((piece) => piece.tokens > limit); round++) {
    const cut: { start: number; end: number }[] = [];
    const owner: number[] = [];
    pieces.forEach((piece, i) => {
      if (piece.tokens <= limit) return;
      // Aim under the limit: token density is not even along a text.
      const parts = Math.ceil((piece.tokens / limit) * (round < 3 ? 1.15 : 2));
      for (const part of cutEvenly(text, piece, parts)) {
        cut.push(part);
        owner.push(i);
      }
    });
    const cutCounts = await count(cut.map((span) => text.slice(span.start, span.end)));
    const replaced = new Map<number, Piece[]>();
    cut.forEach((span, j) => {
      const list = replaced.get(owner[j]!) ?? [];
      list.push({ ...span, tokens: cutCounts[j]! });
      replaced.set(owner[j]!, list);
    });
    pieces = pieces.flatMap((piece, i) => replaced.get(i) ?? [piece]);
  }
  return pieces;
}

/** `parts` spans of about equal length over a piece, cut at the white space nearest each mark. */
function cutEvenly(text: string, piece: { start: number; end: number }, parts: number): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  const length = piece.end - piece.start;
  let start = piece.start;
  for (let k = 1; k <= parts && start < piece.end; k++) {
    let end = k === parts ? piece.end : piece.start + Math.round((length * k) / parts);
    if (end < piece.end) {
      const window = text.slice(start, end);
      const space = window.search(/\s\S*$/);
      if (space > 0) end = start + space;
      else if (end <= start) end = start + 1;
      // Never cut a UTF-16 surrogate pair in two.
      if (/[\uDC00-\uDFFF]/.test(text[end] ?? '')) end++;
    }
    const span = trimmed(text, start, end);
    if (span) out.push(span);
    start = end;
  }
  return out;
}

function packSections(blocks: Block[], piecesOf: Map<Block, Piece[]>, contentLimit: (headingPath: string[]) => number): Section[][] {
  const chunks: Section[] = [];
  let pending: Section | undefined;
  const flush = () => {
    if (pending) chunks.push(...splitSection(pending, contentLimit(pending.headingPath)));
    pending = undefined;
  };
  for (const block of blocks) {
    const pieces = piecesOf.get(block) ?? [];
    if (pieces.length === 0) continue;
    const tokens = pieces.reduce((sum, piece) => sum + piece.tokens, 0);
    if (pending && samePath(pending.headingPath, block.headingPath) && pending.tokens + tokens <= contentLimit(block.headingPath)) {
      pending.pieces.push(...pieces);
      pending.tokens += tokens;
      pending.onlyHeadings &&= block.onlyHeadings;
      continue;
    }
    // A heading with no text of its own ("# Policy" right above "## Refunds") joins the section below it,
    // even when that section is long enough to be cut: a heading is never a passage of its own.
    if (pending && pending.onlyHeadings && isWithin(block.headingPath, pending.headingPath)) {
      pending.pieces.push(...pieces);
      pending.tokens += tokens;
      pending.headingPath = block.headingPath;
      pending.onlyHeadings = block.onlyHeadings;
      continue;
    }
    flush();
    pending = { headingPath: block.headingPath, onlyHeadings: block.onlyHeadings, pieces: [...pieces], tokens };
  }
  flush();
  // Chunks of one section stay together for the overlap pass.
  const sections: Section[][] = [];
  for (const chunk of chunks) {
    const last = sections.at(-1);
    if (last && samePath(last[0]!.headingPath, chunk.headingPath)) last.push(chunk);
    else sections.push([chunk]);
  }
  return sections;
}

/** A section longer than the limit becomes several chunks, cut between pieces (sentences). */
function splitSection(section: Section, limit: number): Section[] {
  if (section.tokens <= limit) return [section];
  const out: Section[] = [];
  let current: Section = { ...section, pieces: [], tokens: 0 };
  for (const piece of section.pieces) {
    if (current.pieces.length > 0 && current.tokens + piece.tokens > limit) {
      out.push(current);
      current = { ...section, pieces: [], tokens: 0 };
    }
    current.pieces.push(piece);
    current.tokens += piece.tokens;
  }
  if (current.pieces.length > 0) out.push(current);
  return out;
}

/**
 * Each chunk after the first of a section starts with the end of its predecessor: its last whole
 * sentences up to `overlapTokens`, then, with room left, the end of the sentence before them from a word
 * boundary (its tokens estimated from its share of the characters).
 */
function withOverlap(text: string, sections: Section[][], overlapTokens: number): Chunk[] {
  const chunks: Chunk[] = [];
  for (const section of sections) {
    section.forEach((chunk, i) => {
      const first = chunk.pieces[0]!;
      const last = chunk.pieces.at(-1)!;
      let start = first.start;
      const previous = section[i - 1];
      if (previous && overlapTokens > 0) {
        let room = overlapTokens;
        let k = previous.pieces.length - 1;
        while (k >= 0 && previous.pieces[k]!.tokens <= room) {
          room -= previous.pieces[k]!.tokens;
          start = previous.pieces[k]!.start;
          k--;
        }
        const partial = k >= 0 ? previous.pieces[k]! : undefined;
        if (partial && room >= 4 && partial.tokens > 0) {
          // Tokens are not spread evenly over characters: aim a little short, so the chunk stays in budget.
          const chars = Math.floor(((partial.end - partial.start) * room * 0.85) / partial.tokens);
          let from = partial.end - chars;
          while (from < partial.end && !/\s/.test(text[from - 1] ?? ' ')) from++;
          while (from < partial.end && /\s/.test(text[from]!)) from++;
          if (from < partial.end) start = from;
        }
      }
      chunks.push({ headingPath: chunk.headingPath, start, end: last.end, text: text.slice(start, last.end) });
    });
  }
  return chunks;
}

const samePath = (a: string[], b: string[]) => a.length === b.length && a.every((title, i) => title === b[i]);
const isWithin = (inner: string[], outer: string[]) => inner.length >= outer.length && outer.every((title, i) => title === inner[i]);

/** Sentences of a block, and each of its lines when it has several (a list, a table, an address). */
function sentences(text: string, start: number, end: number): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  const block = text.slice(start, end);
  const boundary = /[.!?…](?=\s)|\n/g;
  let from = 0;
  for (const match of block.matchAll(boundary)) {
    const to = match.index + (match[0] === '\n' ? 0 : 1);
    const span = trimmed(text, start + from, start + to);
    if (span) out.push(span);
    from = to;
  }
  const span = trimmed(text, start + from, end);
  if (span) out.push(span);
  return out;
}

function trimmed(text: string, start: number, end: number): { start: number; end: number } | undefined {
  while (start < end && /\s/.test(text[start]!)) start++;
  while (end > start && /\s/.test(text[end - 1]!)) end--;
  return end > start ? { start, end } : undefined;
}

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
