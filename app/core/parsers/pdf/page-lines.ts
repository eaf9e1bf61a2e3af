/**
 * A PDF page's text items → lines in reading order. Items are placed by geometry (top to bottom, then
 * left to right), joined with spaces where the gap between them is a word gap, and split into segments
 * where the gap is wide enough to be a column of a table. A page set in two columns is read column by
 * column, with lines that run across the gutter (titles) kept where they are.
 */

/** One text item, in page space with y growing downwards, at its baseline. */
export interface TextRun {
  text: string;
  x: number;
  y: number;
  width: number;
  size: number;
}

/** Text on one line separated from its neighbours by a gap wider than a word gap. */
export interface Segment {
  x: number;
  xEnd: number;
  text: string;
}

export interface Line {
  y: number;
  x: number;
  xEnd: number;
  /** The font size most of the line's characters have. */
  size: number;
  segments: Segment[];
  text: string;
}

/** A gap wider than this many font sizes separates table cells (or columns), not words. */
const cellGapEm = 1.5;
/** A gap wider than this many font sizes is a word gap (a space), unless the text already has one. */
const wordGapEm = 0.12;

/** Space, tab, line break or no-break space: what pdf.js items start or end with when they carry their own spacing. */
const isSpace = (code: number) => code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d || code === 0xa0;

export function pageLines(runs: readonly TextRun[], pageWidth: number): Line[] {
  const rows = groupRows(runs);
  const columns = findGutter(rows, pageWidth);
  if (columns === undefined) return rows.map(toLine);
  return readByColumns(rows, columns);
}

/** Runs whose baselines are within half a font size of each other share a row. */
function groupRows(runs: readonly TextRun[]): TextRun[][] {
  const sorted = [...runs].sort((a, b) => a.y - b.y || a.x - b.x);
  const rows: TextRun[][] = [];
  let row: TextRun[] = [];
  let rowY = 0;
  let rowSize = 0;
  for (const run of sorted) {
    if (row.length > 0 && Math.abs(run.y - rowY) <= 0.5 * Math.min(run.size, rowSize)) {
      row.push(run);
      continue;
    }
    if (row.length > 0) rows.push(row);
    row = [run];
    rowY = run.y;
    rowSize = run.size;
  }
  if (row.length > 0) rows.push(row);
  for (const r of rows) r.sort((a, b) => a.x - b.x);
  return rows;
}

function toLine(runs: readonly TextRun[]): Line {
  const segments: Segment[] = [];
  let current: Segment | undefined;
  let previous: TextRun | undefined;
  // Characters per font size (rounded to 0.5); a line rarely has more than two sizes, so arrays beat a Map.
  const sizes: number[] = [];
  const counts: number[] = [];
  for (const run of runs) {
    // Some producers fake bold by printing the same text twice, a hair apart.
    if (previous && run.text === previous.text && Math.abs(run.x - previous.x) < 0.2 * run.size) continue;
    const size = Math.round(run.size * 2) / 2;
    const at = sizes.indexOf(size);
    if (at < 0) {
      sizes.push(size);
      counts.push(run.text.length);
    } else {
      counts[at]! += run.text.length;
    }
    const gap = current ? run.x - current.xEnd : 0;
    if (current && gap <= cellGapEm * run.size) {
      const needsSpace = gap > wordGapEm * run.size && !isSpace(current.text.charCodeAt(current.text.length - 1)) && !isSpace(run.text.charCodeAt(0));
      current.text += needsSpace ? ` ${run.text}` : run.text;
      current.xEnd = Math.max(current.xEnd, run.x + run.width);
    } else {
      current = { x: run.x, xEnd: run.x + run.width, text: run.text };
      segments.push(current);
    }
    previous = run;
  }
  const kept: Segment[] = [];
  for (const segment of segments) {
    segment.text = collapseSpaces(segment.text);
    if (segment.text !== '') kept.push(segment);
  }
  let size = sizes[0] ?? 0;
  for (let i = 1; i < sizes.length; i++) if (counts[i]! > counts[sizes.indexOf(size)]!) size = sizes[i]!;
  return {
    y: runs[0]!.y,
    x: kept[0]?.x ?? runs[0]!.x,
    xEnd: kept.at(-1)?.xEnd ?? runs[0]!.x,
    size,
    segments: kept,
    text: kept.length === 1 ? kept[0]!.text : kept.map((segment) => segment.text).join(' '),
  };
}

/** Runs of white space as one space, none at the ends (the regular expression only when there is something to do). */
function collapseSpaces(text: string): string {
  let clean = true;
  for (let i = 0; i < text.length && clean; i++) {
    const code = text.charCodeAt(i);
    if (code !== 0x20 ? isSpace(code) || code < 0x20 : i === 0 || i === text.length - 1 || text.charCodeAt(i + 1) === 0x20) clean = false;
  }
  return clean ? text : text.replace(/\s+/g, ' ').trim();
}

interface Gutter {
  x: number;
}

/**
 * The x of a gutter between two columns of running text, if the page has one: a vertical band in the
 * middle of the page that almost no row crosses, with text on both sides whose lines fill their column
 * (so a table with two narrow columns is not taken for a two-column layout).
 */
function findGutter(rows: readonly TextRun[][], pageWidth: number): Gutter | undefined {
  if (rows.length < 8 || pageWidth <= 0) return undefined;
  // A row of running text across the whole middle band crosses every possible gutter: on a one-column page
  // most rows do, and the search below is skipped.
  const band = { from: pageWidth * 0.3, to: pageWidth * 0.7 };
  const spanning = rows.filter((row) => coversBand(row, band.from, band.to)).length;
  if (spanning > Math.max(1, 0.15 * rows.length)) return undefined;
  // The best x is the middle of the widest run of candidates that are crossed least and balanced best.
  let best: { x: number; crossing: number; balance: number; from: number } | undefined;
  for (let x = pageWidth * 0.3; x <= pageWidth * 0.7; x += 3) {
    let crossing = 0;
    let left = 0;
    let right = 0;
    for (const row of rows) {
      const side = rowSides(row, x);
      if (side.crosses) crossing++;
      else {
        if (side.left) left++;
        if (side.right) right++;
      }
    }
    const balance = Math.min(left, right);
    if (!best || crossing < best.crossing || (crossing === best.crossing && balance > best.balance)) best = { x, crossing, balance, from: x };
    else if (crossing === best.crossing && balance === best.balance && best.x >= x - 3) best.x = x;
  }
  if (!best) return undefined;
  if (best.crossing > Math.max(1, 0.15 * rows.length) || best.balance < 0.3 * rows.length) return undefined;
  const gutter = (best.from + best.x) / 2;
  // Running text fills its column; table cells and labels do not.
  const fill = (pick: (run: TextRun) => boolean) => {
    const spans = rows
      .map((row) => row.filter(pick))
      .filter((runs) => runs.length > 0)
      .map((runs) => ({ from: Math.min(...runs.map((r) => r.x)), to: Math.max(...runs.map((r) => r.x + r.width)) }));
    const columnFrom = Math.min(...spans.map((s) => s.from));
    const columnTo = Math.max(...spans.map((s) => s.to));
    const mean = spans.reduce((sum, s) => sum + (s.to - s.from), 0) / Math.max(1, spans.length);
    return mean / Math.max(1, columnTo - columnFrom);
  };
  if (fill((run) => run.x + run.width <= gutter + 1) < 0.6 || fill((run) => run.x + run.width > gutter + 1) < 0.6) return undefined;
  return { x: gutter };
}

/** Whether a row's text runs from `from` to `to` without a gap wider than a word gap. */
function coversBand(row: readonly TextRun[], from: number, to: number): boolean {
  let start = NaN;
  let end = -Infinity;
  for (const run of row) {
    if (Number.isNaN(start) || run.x - end > 0.8 * run.size) {
      if (start <= from && end >= to) return true;
      start = run.x;
      end = run.x + run.width;
    } else {
      end = Math.max(end, run.x + run.width);
    }
  }
  return start <= from && end >= to;
}

/** Whether a row has text left of x, right of x, or runs across x as one line (a run spans it, or the gap there is a word gap). */
function rowSides(row: readonly TextRun[], x: number): { left: boolean; right: boolean; crosses: boolean } {
  let leftEnd = -Infinity;
  let rightStart = Infinity;
  let size = 0;
  for (const run of row) {
    const end = run.x + run.width;
    if (run.x < x - 1 && end > x + 1) return { left: true, right: true, crosses: true };
    if (end <= x + 1) leftEnd = Math.max(leftEnd, end);
    else rightStart = Math.min(rightStart, run.x);
    size = Math.max(size, run.size);
  }
  const left = leftEnd > -Infinity;
  const right = rightStart < Infinity;
  return { left, right, crosses: left && right && rightStart - leftEnd < 0.8 * size };
}

function readByColumns(rows: readonly TextRun[][], gutter: Gutter): Line[] {
  const spanning: Line[] = [];
  const left: Line[] = [];
  const right: Line[] = [];
  for (const row of rows) {
    if (rowSides(row, gutter.x).crosses) {
      spanning.push(toLine(row));
      continue;
    }
    const l = row.filter((run) => run.x + run.width <= gutter.x + 1);
    const r = row.filter((run) => run.x + run.width > gutter.x + 1);
    if (l.length > 0) left.push(toLine(l));
    if (r.length > 0) right.push(toLine(r));
  }
  const columnTop = Math.min(left[0]?.y ?? Infinity, right[0]?.y ?? Infinity);
  const above = spanning.filter((line) => line.y < columnTop);
  const below = spanning.filter((line) => line.y >= columnTop);
  return [...above, ...left, ...right, ...below];
}
