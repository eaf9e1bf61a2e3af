/**
 * Lines of every page → Markdown blocks: headings from font size (lines clearly larger than the body
 * text), bullet and numbered lists, tables from rows whose cells line up, and paragraphs joined across
 * line breaks (with end-of-line hyphens removed). Running headers, footers and page numbers are
 * dropped, since they repeat on every page and would only add noise to every passage.
 */
import { escapeLineStart, pipeTable } from '../markdown-writer.js';
import type { Line } from './page-lines.js';

export interface PageLines {
  /** 1-based page number. */
  number: number;
  height: number;
  lines: Line[];
}

export interface DocumentStyle {
  bodySize: number;
  /** Font size (rounded to 0.5) → heading level (1–3). */
  headingLevels: Map<number, number>;
  /** Median distance between the baselines of consecutive lines of body text. */
  lineGap: number;
  /** Keys of running headers and footers (digits masked) to drop. */
  furniture: Set<string>;
}

const roundSize = (size: number) => Math.round(size * 2) / 2;
const maxHeadingLength = 200;

export function documentStyle(pages: readonly PageLines[]): DocumentStyle {
  const charsBySize = new Map<number, number>();
  for (const page of pages) {
    for (const line of page.lines) charsBySize.set(line.size, (charsBySize.get(line.size) ?? 0) + line.text.length);
  }
  let bodySize = 0;
  let most = -1;
  for (const [size, chars] of charsBySize) if (chars > most) [bodySize, most] = [size, chars];

  const headingSizes = new Set<number>();
  for (const page of pages) {
    for (const line of page.lines) {
      if (isHeadingSized(line, bodySize) && line.text.length <= maxHeadingLength && /\p{L}/u.test(line.text)) headingSizes.add(line.size);
    }
  }
  const headingLevels = new Map<number, number>();
  [...headingSizes].sort((a, b) => b - a).forEach((size, i) => headingLevels.set(size, Math.min(i + 1, 3)));

  const gaps: number[] = [];
  for (const page of pages) {
    for (let i = 1; i < page.lines.length; i++) {
      const [a, b] = [page.lines[i - 1]!, page.lines[i]!];
      const gap = b.y - a.y;
      if (a.size === bodySize && b.size === bodySize && gap > 0 && gap < 3 * bodySize) gaps.push(gap);
    }
  }
  gaps.sort((a, b) => a - b);
  const lineGap = gaps.length > 0 ? gaps[Math.floor(gaps.length / 2)]! : 1.2 * bodySize;
  return { bodySize, headingLevels, lineGap, furniture: runningFurniture(pages, bodySize) };
}

const isHeadingSized = (line: Line, bodySize: number) => line.size >= bodySize * 1.15 && line.size - bodySize >= 1;

/**
 * Lines near the top or bottom edge, no larger than body text, whose text (digits masked) recurs on at
 * least half the pages — or on three or more pages at the very same height, as a chapter's running
 * header does. (Size matters: "Section 3" in large type at the top of every page is a heading.)
 */
function runningFurniture(pages: readonly PageLines[], bodySize: number): Set<string> {
  const furniture = new Set<string>();
  if (pages.length < 3) return furniture;
  const seen = new Map<string, { pages: number; minY: number; maxY: number }>();
  for (const page of pages) {
    const onPage = new Map<string, number>();
    for (const line of page.lines) {
      if (inMargin(line, page.height) && line.size <= bodySize + 0.5) onPage.set(furnitureKey(line.text), line.y);
    }
    for (const [key, y] of onPage) {
      const entry = seen.get(key) ?? { pages: 0, minY: y, maxY: y };
      entry.pages++;
      entry.minY = Math.min(entry.minY, y);
      entry.maxY = Math.max(entry.maxY, y);
      seen.set(key, entry);
    }
  }
  for (const [key, entry] of seen) {
    if (entry.pages >= Math.max(3, pages.length / 2) || (entry.pages >= 3 && entry.maxY - entry.minY <= 2)) furniture.add(key);
  }
  return furniture;
}

const inMargin = (line: Line, pageHeight: number) => line.y < pageHeight * 0.1 || line.y > pageHeight * 0.9;
const furnitureKey = (text: string) => text.toLowerCase().replace(/\d+/g, '#').replace(/\s+/g, ' ').trim();
const pageNumberPattern = /^[\s\-–—|]*(page|p\.|стр\.?|страница|с\.)?\s*\d{1,4}(\s*(of|из|\/)\s*\d{1,4})?[\s\-–—|]*$/i;
const romanPageNumber = /^\s*[ivxlc]{1,7}\s*$/i;
/** A table-of-contents line: text, a leader of dots, a page number. Such lines stay lines. */
const tocLine = /((\.\s?){4,}|\s…)\s*\d{1,4}$/;

const bulletPattern = /^([•◦▪▫‣⁃●○■□∙·*]|[-–—](?=\s))\s*(.*)$/;
const orderedPattern = /^(\d{1,3}[.)]|[a-zа-я][)])\s+(.*)$/;
const markerOnly = /^([•◦▪▫‣⁃●○■□∙·*\-–—]|\d{1,3}[.)]|[a-zа-я][)])$/;

type Block =
  | { kind: 'heading'; level: number; text: string; y: number }
  | { kind: 'paragraph'; lines: string[]; lastLine: Line; maxXEnd: number }
  | { kind: 'list'; items: { marker: string; lines: string[]; x: number; textX: number; depth: number }[]; last: Line }
  | { kind: 'table'; rows: Line[] };

/** A running header or footer, or a page number, of a document with more than one page. */
function isFurniture(line: Line, style: DocumentStyle, pageCount: number): boolean {
  if (style.furniture.has(furnitureKey(line.text))) return true;
  return pageCount > 1 && (pageNumberPattern.test(line.text) || romanPageNumber.test(line.text));
}

/** The Markdown blocks of one page, in reading order. */
export function pageBlocks(page: PageLines, style: DocumentStyle, pageCount: number): string[] {
  const lines = page.lines
    .filter((line) => line.text !== '')
    .filter((line) => !(inMargin(line, page.height) && isFurniture(line, style, pageCount)))
    .map(mergeMarkerSegment)
    .map(shortenLeader);
  const items = lines.map(listItem);
  const blocks: Block[] = [];
  let previous: Line | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const last = blocks.at(-1);
    const gap = previous ? line.y - previous.y : Infinity;
    const close = gap > 0 && gap <= style.lineGap * 1.4 + 0.5;
    previous = line;

    const level = style.headingLevels.get(line.size);
    if (level !== undefined && line.text.length <= maxHeadingLength && !tocLine.test(line.text)) {
      if (last?.kind === 'heading' && last.level === level && line.y - last.y <= 2 * line.size) {
        last.text += ` ${line.text}`;
        last.y = line.y;
      } else {
        blocks.push({ kind: 'heading', level, text: line.text, y: line.y });
      }
      continue;
    }

    const item = items[i];
    if (item) {
      if (last?.kind === 'list' && (close || line.y - last.last.y <= style.lineGap * 2)) {
        const depth = last.items.filter((it) => it.x < item.x - line.size).reduce((d, it) => Math.max(d, it.depth + 1), 0);
        last.items.push({ ...item, lines: [item.text], depth: Math.min(depth, 4) });
        last.last = line;
      } else {
        blocks.push({ kind: 'list', items: [{ ...item, lines: [item.text], depth: 0 }], last: line });
      }
      continue;
    }

    // A line indented to the text of the list item above continues that item.
    if (last?.kind === 'list' && close && line.segments.length === 1) {
      const open = last.items.at(-1)!;
      if (line.x >= open.textX - line.size * 0.5) {
        open.lines.push(line.text);
        last.last = line;
        continue;
      }
    }

    if (line.segments.length >= 2) {
      const next = lines[i + 1];
      const startsTable = last?.kind !== 'table' && next !== undefined && next.segments.length >= 2 && !items[i + 1];
      if (last?.kind === 'table' && close) {
        last.rows.push(line);
        continue;
      }
      if (startsTable) {
        blocks.push({ kind: 'table', rows: [line] });
        continue;
      }
    }

    if (last?.kind === 'paragraph' && close && continuesParagraph(last, line, style)) {
      last.lines.push(line.text);
      last.lastLine = line;
      last.maxXEnd = Math.max(last.maxXEnd, line.xEnd);
      continue;
    }
    blocks.push({ kind: 'paragraph', lines: [line.text], lastLine: line, maxXEnd: line.xEnd });
  }
  return blocks.map(renderBlock).filter((block) => block !== '');
}

/** "Introduction . . . . . . . 1" → "Introduction … 1": the dots are layout, and noise to search. */
function shortenLeader(line: Line): Line {
  // Most lines do not end in a digit: skip the pattern for them.
  const lastCode = line.text.charCodeAt(line.text.length - 1);
  if (!(lastCode >= 0x30 && lastCode <= 0x39) || !/(\.\s?){4,}\s*\d{1,4}$/.test(line.text)) return line;
  const text = line.text.replace(/\s*(\.\s?){4,}\s*(?=\d{1,4}$)/, ' … ');
  return { ...line, text, segments: [{ x: line.x, xEnd: line.xEnd, text }] };
}

/** "•" or "1." printed as its own item, apart from its text, belongs with it. */
function mergeMarkerSegment(line: Line): Line {
  const [first, second, ...rest] = line.segments;
  if (!first || !second || !markerOnly.test(first.text)) return line;
  const merged = { x: first.x, xEnd: second.xEnd, text: `${first.text} ${second.text}` };
  const segments = [merged, ...rest];
  return { ...line, segments, text: segments.map((s) => s.text).join(' ') };
}

function listItem(line: Line): { marker: string; text: string; x: number; textX: number } | undefined {
  const bullet = bulletPattern.exec(line.text);
  const ordered = bullet ? null : orderedPattern.exec(line.text);
  const match = bullet ?? ordered;
  if (!match || match[2]!.trim() === '') return undefined;
  const marker = bullet ? '-' : /^\d/.test(match[1]!) ? `${match[1]!.slice(0, -1)}.` : `- ${match[1]}`;
  const first = line.segments[0]!;
  // Where the item's text starts: the wrapped lines of the item are indented to it.
  const textX = first.x + ((first.xEnd - first.x) * (line.text.length - match[2]!.length)) / Math.max(1, first.text.length);
  return { marker, text: match[2]!.trim(), x: line.x, textX };
}

/**
 * A line continues the paragraph above unless the size changes, the line is indented like a first
 * line, or the line above ended short of the paragraph's right edge after a full stop.
 */
function continuesParagraph(paragraph: { lastLine: Line; maxXEnd: number }, line: Line, style: DocumentStyle): boolean {
  const previous = paragraph.lastLine;
  if (Math.abs(previous.size - line.size) >= 1) return false;
  if (tocLine.test(previous.text)) return false;
  if (line.x > previous.x + 1.5 * line.size && previous.xEnd >= paragraph.maxXEnd - 2 * line.size) return false;
  const endedShort = previous.xEnd < paragraph.maxXEnd - 6 * style.bodySize;
  if (endedShort && /[.!?:;»")]$/.test(previous.text)) return false;
  return true;
}

/**
 * Joins the lines of one paragraph with spaces, undoing end-of-line hyphenation ("contin-" + "uation").
 * Lines are kept apart until here: testing the end of an ever-growing joined string would copy it each time.
 */
export function joinLines(lines: readonly string[]): string {
  let out = lines[0] ?? '';
  for (let i = 1; i < lines.length; i++) {
    const previous = lines[i - 1]!;
    const next = lines[i]!;
    if (previous.endsWith('\u00ad')) out = out.slice(0, -1) + next;
    else if (previous.endsWith('-') && /\p{Ll}-$/u.test(previous) && /^\p{Ll}/u.test(next)) out = out.slice(0, -1) + next;
    else out += ` ${next}`;
  }
  return out;
}

function renderBlock(block: Block): string {
  switch (block.kind) {
    case 'heading':
      return `${'#'.repeat(block.level)} ${block.text}`;
    case 'paragraph':
      return escapeLineStart(joinLines(block.lines));
    case 'list':
      return block.items.map((item) => `${'  '.repeat(item.depth)}${item.marker} ${joinLines(item.lines)}`).join('\n');
    case 'table':
      return block.rows.length >= 2 ? pipeTable(tableCells(block.rows)) : block.rows.map((row) => escapeLineStart(row.text)).join('\n\n');
  }
}

/**
 * Cells of a run of table rows: the row with the most cells sets the columns (each reaching halfway to
 * its neighbours), and every segment of every row goes to the column it overlaps most — which holds
 * for left-, right- and centre-aligned columns alike.
 */
function tableCells(rows: readonly Line[]): string[][] {
  const template = rows.reduce((a, b) => (b.segments.length > a.segments.length ? b : a)).segments;
  const bounds = template.map((segment, c) => ({
    from: c === 0 ? -Infinity : (template[c - 1]!.xEnd + segment.x) / 2,
    to: c === template.length - 1 ? Infinity : (segment.xEnd + template[c + 1]!.x) / 2,
  }));
  return rows.map((row) => {
    const cells = template.map(() => '');
    for (const segment of row.segments) {
      let column = 0;
      let best = -Infinity;
      bounds.forEach((bound, c) => {
        const overlap = Math.min(segment.xEnd, bound.to) - Math.max(segment.x, bound.from);
        if (overlap > best) [column, best] = [c, overlap];
      });
      cells[column] = cells[column] ? `${cells[column]} ${segment.text}` : segment.text;
    }
    return cells;
  });
}
