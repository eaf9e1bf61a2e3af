/** CSV (and TSV): encoding and delimiter found from the bytes, one table cut into blocks with cell ranges. */
import Papa from 'papaparse';
import { decodeTextBytes } from './encoding.js';
import { MarkdownWriter } from './markdown-writer.js';
import { trimGrid, writeSheetTable } from './sheet-table.js';
import type { Parser } from './types.js';

export const parseCsv: Parser = async (input) => {
  const { text } = decodeTextBytes(input.name, input.bytes);
  const parsed = Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), {
    delimitersToGuess: [',', ';', '\t', '|'],
    skipEmptyLines: false,
  });
  const warnings: string[] = [];
  const problems = parsed.errors.filter((error) => error.code !== 'UndetectableDelimiter');
  if (problems.length > 0) {
    const first = problems[0]!;
    warnings.push(
      `${problems.length} row${problems.length === 1 ? '' : 's'} could not be read cleanly` +
        `${first.row !== undefined ? ` (first at row ${first.row + 1}: ${first.message})` : ` (${first.message})`}; the table may be misaligned there.`,
    );
  }
  const grid = trimGrid(parsed.data.map((row) => row.map((cell) => String(cell ?? ''))));
  const writer = new MarkdownWriter();
  writeSheetTable(writer, grid.rows, { firstRow: grid.rowOffset + 1, firstColumn: grid.columnOffset + 1 });
  const { markdown, regions } = writer.finish();
  return { format: 'csv', markdown, regions, warnings };
};
