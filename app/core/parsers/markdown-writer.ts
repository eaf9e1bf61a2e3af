/**
 * Builds a parser's Markdown block by block while recording regions, so offsets are right by
 * construction: every block is normalized (LF, NFC) before it is appended and measured.
 */
import { normalizeText } from './decode.js';
import type { Region } from './types.js';

export type RegionSource = Omit<Region, 'start' | 'end'>;

export class MarkdownWriter {
  private text = '';
  private readonly regions: Region[] = [];
  private open: { source: RegionSource; start: number } | undefined;

  /** Appends one block (paragraph, heading, list, table), separated from the one before by a blank line. */
  block(raw: string): void {
    const block = tidyBlock(raw);
    if (block === '') return;
    if (this.text !== '') this.text += '\n\n';
    if (this.open && this.open.start < 0) this.open.start = this.text.length;
    this.text += block;
  }

  /** Every block appended until {@link endRegion} belongs to `source` (a page, a sheet's cells, a slide). */
  beginRegion(source: RegionSource): void {
    this.endRegion();
    this.open = { source, start: -1 };
  }

  endRegion(): void {
    const open = this.open;
    this.open = undefined;
    // A region that received no blocks (a blank page) has no text to point at.
    if (open && open.start >= 0) this.regions.push({ start: open.start, end: this.text.length, ...open.source });
  }

  get length(): number {
    return this.text.length;
  }

  finish(): { markdown: string; regions: Region[] } {
    this.endRegion();
    return { markdown: this.text === '' ? '' : `${this.text}\n`, regions: this.regions };
  }
}

/** LF, NFC, no trailing spaces on lines, no runs of blank lines, no leading or trailing blank lines. */
export function tidyBlock(raw: string): string {
  return normalizeText(raw)
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .replace(/^\n+|\n+$/g, '');
}

/** A GFM pipe table; the first row is the header. Rows are padded to the widest; cells are kept on one line. */
export function pipeTable(rows: readonly (readonly string[])[]): string {
  if (rows.length === 0) return '';
  const width = Math.max(1, ...rows.map((row) => row.length));
  const line = (row: readonly string[]) =>
    `| ${Array.from({ length: width }, (_, i) => tableCell(row[i] ?? '')).join(' | ')} |`;
  const [header, ...body] = rows;
  return [line(header!), `| ${Array.from({ length: width }, () => '---').join(' | ')} |`, ...body.map(line)].join('\n');
}

function tableCell(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|').trim();
}

/** Keeps a text line from being read as Markdown structure it never had (a stray "#" at a line start). */
export function escapeLineStart(line: string): string {
  return line.replace(/^(\s{0,3})(#{1,6}(?:\s|$)|>|[-+*]\s|\d{1,9}[.)]\s|```|~~~|={3,}\s*$|-{3,}\s*$)/, '$1\\$2');
}

/** 1 → A, 26 → Z, 27 → AA. */
export function columnName(column: number): string {
  let name = '';
  for (let n = column; n > 0; n = Math.floor((n - 1) / 26)) name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  return name;
}

/** A1-style range from 1-based row and column numbers. */
export function cellRange(firstRow: number, firstColumn: number, lastRow: number, lastColumn: number): string {
  return `${columnName(firstColumn)}${firstRow}:${columnName(lastColumn)}${lastRow}`;
}

/** The text of the first `#` heading, for documents that carry no title of their own. */
export function firstHeading(markdown: string): string | undefined {
  return /^#{1,2}\s+(.+?)\s*#*\s*$/m.exec(markdown)?.[1];
}
