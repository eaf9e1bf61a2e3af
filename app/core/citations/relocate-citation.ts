/**
 * Moves a citation into a newer reading of its document. A citation's offsets are into the normalized text it
 * was made from; after a re-read or a changed file added again, the passage may sit elsewhere, or be gone.
 * Pure functions. They run in the core rather than the renderer because only the core holds the new reading's
 * chunks, and with them the page, sheet or slide the passage is on now; the panel just shows the answer.
 */
import type { Citation } from '../../../schemas/index.js';
import type { ChunkLocation, StoredChunk } from '../library/index.js';

/** How a passage was found in the new text. */
export type PassageMatch = 'same-offsets' | 'exact' | 'whitespace';

export interface PassagePlace {
  start: number;
  end: number;
  match: PassageMatch;
}

/**
 * Where the cited passage is in `text`: at its old offsets if the text there is unchanged (the common case, a
 * re-read by the same parser), else where its text occurs (exact, then with runs of white space counted as one),
 * the occurrence nearest its old place first. Undefined when it is not there word for word.
 */
export function relocatePassage(text: string, cited: Pick<Citation, 'start' | 'end' | 'snippet'>): PassagePlace | undefined {
  const { passage, whole } = citedText(cited);
  if (passage.trim() === '') return undefined;
  const oldLength = Math.max(cited.end - cited.start, passage.length);
  // A snippet cut at 240 characters is the passage's beginning: the rest is taken to be as long as it was.
  const endAfter = (start: number, matched: number) => Math.min(text.length, whole ? start + matched : start + matched + (oldLength - passage.length));

  if (text.startsWith(passage, cited.start)) return { start: cited.start, end: Math.min(text.length, cited.start + oldLength), match: 'same-offsets' };

  const exact = nearest(occurrences(text, passage), cited.start);
  if (exact !== undefined) return { start: exact, end: endAfter(exact, passage.length), match: 'exact' };

  const collapsed = collapseWhitespace(text);
  const collapsedPassage = collapseWhitespace(passage.trim()).text;
  const at = nearest(occurrences(collapsed.text, collapsedPassage), cited.start, (position) => collapsed.origin[position]!);
  if (at === undefined) return undefined;
  const start = collapsed.origin[at]!;
  const matchedEnd = collapsed.origin[at + collapsedPassage.length - 1]! + 1;
  return { start, end: endAfter(start, matchedEnd - start), match: 'whitespace' };
}

/** A chunk as the new reading stores it: enough to name the passage's chunk, heading and place in the file. */
export type ReadingChunk = Pick<StoredChunk, 'id' | 'headingPath' | 'start' | 'end' | 'location'>;

export interface NewReading {
  document: { id: string; name: string };
  text: string;
  /** In reading order. */
  chunks: readonly ReadingChunk[];
}

/**
 * The citation moved into the new reading: same passage, new offsets, and the chunk, heading path and page (sheet,
 * slide) it falls in now. When the passage is not there word for word, the citation points at the top of the
 * document (its first chunk) and `passage` says so.
 */
export function relocateCitation(citation: Citation, reading: NewReading): { citation: Citation; passage: 'same' | 'moved' | 'missing' } {
  const place = relocatePassage(reading.text, citation);
  const start = place?.start ?? 0;
  const end = place?.end ?? 0;
  const { first, last } = chunksHolding(reading.chunks, start, end);
  const location: ChunkLocation = first ? { ...first.location, ...(last?.location.pageEnd !== undefined ? { pageEnd: last.location.pageEnd } : {}) } : {};
  return {
    citation: {
      documentId: reading.document.id,
      documentName: reading.document.name,
      chunkId: first ? String(first.id) : citation.chunkId,
      headingPath: first?.headingPath ?? [],
      start,
      end,
      // What the answer quoted; the panel marks the new text between the offsets.
      snippet: citation.snippet,
      ...citedLocation(location),
    },
    passage: place === undefined ? 'missing' : place.match === 'same-offsets' ? 'same' : 'moved',
  };
}

/** A chunk's place in its file as a citation states it (a page range only when it spans pages). */
export function citedLocation(location: ChunkLocation): Pick<Citation, 'page' | 'pageEnd' | 'sheet' | 'cells' | 'slide'> {
  return {
    ...(location.pageStart !== undefined ? { page: location.pageStart } : {}),
    ...(location.pageEnd !== undefined && location.pageEnd !== location.pageStart ? { pageEnd: location.pageEnd } : {}),
    ...(location.sheet !== undefined ? { sheet: location.sheet } : {}),
    ...(location.cells !== undefined ? { cells: location.cells } : {}),
    ...(location.slide !== undefined ? { slide: location.slide } : {}),
  };
}

/**
 * The text a citation is known to quote. Its snippet is the passage, or the passage's first 240 characters and
 * an ellipsis (retrieve.ts); the old text itself left with the old reading.
 */
function citedText(cited: Pick<Citation, 'start' | 'end' | 'snippet'>): { passage: string; whole: boolean } {
  const length = cited.end - cited.start;
  if (cited.snippet.endsWith('…') && cited.snippet.length - 1 < length) return { passage: cited.snippet.slice(0, -1), whole: false };
  return { passage: cited.snippet, whole: cited.snippet.length >= length };
}

/**
 * The chunks a range falls in: the one starting last at or before its start (chunks overlap a little, and the
 * later one is the passage's own), and the first one reaching its end.
 */
function chunksHolding(chunks: readonly ReadingChunk[], start: number, end: number): { first: ReadingChunk | undefined; last: ReadingChunk | undefined } {
  let first: ReadingChunk | undefined;
  for (const chunk of chunks) if (chunk.start <= start && (start < chunk.end || chunk.start === start)) first = chunk;
  first ??= chunks.find((chunk) => chunk.start >= start) ?? chunks.at(-1);
  if (!first || first.end >= end) return { first, last: first };
  const last = chunks.find((chunk) => chunk.start < end && chunk.end >= end) ?? chunks.at(-1);
  return { first, last };
}

function occurrences(text: string, needle: string): number[] {
  const found: number[] = [];
  if (needle === '') return found;
  for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + 1)) found.push(at);
  return found;
}

/** The position whose offset in the original text (`offsetOf`) is nearest `target`. */
function nearest(positions: readonly number[], target: number, offsetOf: (position: number) => number = (position) => position): number | undefined {
  let best: number | undefined;
  const distance = (position: number) => Math.abs(offsetOf(position) - target);
  for (const position of positions) if (best === undefined || distance(position) < distance(best)) best = position;
  return best;
}

/** The text with each run of white space as one space, and for each of its characters the offset it came from. */
function collapseWhitespace(text: string): { text: string; origin: number[] } {
  let out = '';
  const origin: number[] = [];
  for (const run of text.matchAll(/\s+|\S+/g)) {
    if (/^\s/.test(run[0])) {
      out += ' ';
      origin.push(run.index);
    } else {
      out += run[0];
      for (let i = 0; i < run[0].length; i++) origin.push(run.index + i);
    }
  }
  return { text: out, origin };
}
