/**
 * Writes a grid of cells (a CSV file, a worksheet) as Markdown tables of bounded size, each its own
 * region with its A1 cell range, so a citation can say "Budget!A52:F101". Long grids are cut into
 * blocks that repeat the header row: a passage cut from the middle of a sheet still says what its
 * columns mean.
 */
import { cellRange, pipeTable, type MarkdownWriter } from './markdown-writer.js';

export interface SheetTableOptions {
  /** Worksheet name, carried into the regions. */
  sheet?: string;
  /** Sheet row and column of `rows[0][0]` (1-based). */
  firstRow: number;
  firstColumn: number;
  /** Body rows per table block. */
  rowsPerBlock?: number;
  /** Written before the first block, inside its region (e.g. `## Sheet name`). */
  heading?: string;
}

export const defaultRowsPerBlock = 50;

export function writeSheetTable(writer: MarkdownWriter, rows: string[][], options: SheetTableOptions): void {
  if (rows.length === 0) return;
  const width = Math.max(...rows.map((row) => row.length));
  const lastColumn = options.firstColumn + width - 1;
  const perBlock = Math.max(1, options.rowsPerBlock ?? defaultRowsPerBlock);
  const [header, ...body] = rows;
  const source = (first: number, last: number) => ({
    ...(options.sheet !== undefined ? { sheet: options.sheet } : {}),
    cells: cellRange(first, options.firstColumn, last, lastColumn),
  });
  if (body.length === 0) {
    writer.beginRegion(source(options.firstRow, options.firstRow));
    if (options.heading) writer.block(options.heading);
    writer.block(pipeTable([header!]));
    writer.endRegion();
    return;
  }
  for (let offset = 0; offset < body.length; offset += perBlock) {
    const slice = body.slice(offset, offset + perBlock);
    // The first block's range includes the header row; later blocks repeat it but cover only their own rows.
    const firstSheetRow = offset === 0 ? options.firstRow : options.firstRow + 1 + offset;
    const lastSheetRow = options.firstRow + offset + slice.length;
    writer.beginRegion(source(firstSheetRow, lastSheetRow));
    if (offset === 0 && options.heading) writer.block(options.heading);
    writer.block(pipeTable([header!, ...slice]));
    writer.endRegion();
  }
}

/** Drops empty rows and columns around the data and right-pads rows to one width. */
export function trimGrid(rows: string[][]): { rows: string[][]; rowOffset: number; columnOffset: number } {
  const filled = (cell: string | undefined) => cell !== undefined && cell.trim() !== '';
  let top = 0;
  while (top < rows.length && !rows[top]!.some(filled)) top++;
  let bottom = rows.length;
  while (bottom > top && !rows[bottom - 1]!.some(filled)) bottom--;
  const kept = rows.slice(top, bottom);
  let left = Infinity;
  let right = 0;
  for (const row of kept) {
    row.forEach((cell, i) => {
      if (!filled(cell)) return;
      left = Math.min(left, i);
      right = Math.max(right, i + 1);
    });
  }
  if (kept.length === 0 || left === Infinity) return { rows: [], rowOffset: top, columnOffset: 0 };
  return {
    rows: kept.map((row) => Array.from({ length: right - left }, (_, i) => row[left + i] ?? '')),
    rowOffset: top,
    columnOffset: left,
  };
}
