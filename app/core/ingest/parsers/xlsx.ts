/**
 * Excel workbooks: one `## <sheet>` section per visible sheet, its used range as Markdown tables with
 * A1 cell ranges in the regions. Formulas show their saved values; dates are ISO; merged cells show
 * their value once.
 */
import ExcelJS from 'exceljs';
import { HearthError } from '../../../../schemas/index.js';
import { MarkdownWriter } from './markdown-writer.js';
import { trimGrid, writeSheetTable } from './sheet-table.js';
import type { Parser } from './types.js';

type Cell = ExcelJS.Cell;

export const parseXlsx: Parser = async (input, ctx) => {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(Buffer.from(input.bytes.buffer, input.bytes.byteOffset, input.bytes.byteLength) as unknown as ExcelJS.Buffer);
  } catch (error) {
    throw new HearthError('FILE_CORRUPT', `${input.name} is damaged: its workbook cannot be read (${(error as Error).message}).`, {
      fileName: input.name,
    });
  }
  const date1904 = workbook.properties?.date1904 === true;
  const writer = new MarkdownWriter();
  const warnings: string[] = [];
  const hidden: string[] = [];
  let formulasWithoutValue = 0;
  const sheets = workbook.worksheets;
  sheets.forEach((sheet, index) => {
    if (ctx.signal?.aborted) throw new HearthError('CANCELLED', `Reading ${input.name} was cancelled.`);
    if (sheet.state !== 'visible' && sheet.state !== undefined) {
      hidden.push(sheet.name);
      return;
    }
    const grid: string[][] = [];
    sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
      const cells: string[] = [];
      row.eachCell({ includeEmpty: false }, (cell, columnNumber) => {
        const shown = cellText(cell, date1904);
        if (shown.missingValue) formulasWithoutValue++;
        cells[columnNumber - 1] = shown.text;
      });
      grid[rowNumber - 1] = Array.from(cells, (cell) => cell ?? '');
    });
    const trimmed = trimGrid(Array.from(grid, (row) => row ?? []));
    if (trimmed.rows.length > 0) {
      writeSheetTable(writer, trimmed.rows, {
        sheet: sheet.name,
        firstRow: trimmed.rowOffset + 1,
        firstColumn: trimmed.columnOffset + 1,
        heading: `## ${sheet.name}`,
      });
    }
    ctx.onProgress?.((index + 1) / sheets.length);
  });
  if (hidden.length > 0) warnings.push(`Hidden sheet${hidden.length === 1 ? '' : 's'} left out: ${hidden.join(', ')}.`);
  if (formulasWithoutValue > 0) {
    warnings.push(
      `${formulasWithoutValue} formula${formulasWithoutValue === 1 ? ' has' : 's have'} no saved value (the file was not recalculated when saved); their formulas are shown instead.`,
    );
  }
  const { markdown, regions } = writer.finish();
  const title = workbook.title?.trim();
  return { format: 'xlsx', markdown, regions, warnings, ...(title ? { title } : {}) };
};

function cellText(cell: Cell, date1904: boolean): { text: string; missingValue?: boolean } {
  // A merged range shows its value in its top-left cell only.
  if (cell.isMerged && cell.master.address !== cell.address) return { text: '' };
  const value = cell.value;
  if (value === null || value === undefined) return { text: '' };
  if (typeof value === 'object' && !(value instanceof Date) && ('formula' in value || 'sharedFormula' in value)) {
    const result = value.result;
    if (result === undefined || result === null) return { text: `=${value.formula ?? ('sharedFormula' in value ? value.sharedFormula : '')}`, missingValue: true };
    return { text: plainValue(result, cell.numFmt, date1904) };
  }
  return { text: plainValue(value, cell.numFmt, date1904) };
}

function plainValue(value: NonNullable<ExcelJS.CellValue>, numFmt: string | undefined, date1904: boolean): string {
  if (value instanceof Date) return isoDate(value);
  if (typeof value === 'number') {
    if (numFmt && isDateFormat(numFmt)) return isoDate(fromSerial(value, date1904));
    if (numFmt && /%/.test(numFmt.replace(/"[^"]*"/g, ''))) {
      const decimals = /0\.(0+)%/.exec(numFmt)?.[1]?.length ?? 0;
      return `${(value * 100).toFixed(decimals)}%`;
    }
    return formatNumber(value);
  }
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if ('error' in value) return value.error;
  if ('richText' in value) return value.richText.map((run) => run.text).join('');
  if ('hyperlink' in value) {
    const text = value.text as unknown;
    if (typeof text === 'string') return text;
    if (text && typeof text === 'object' && 'richText' in text) return (text as ExcelJS.CellRichTextValue).richText.map((run) => run.text).join('');
    return value.hyperlink;
  }
  return '';
}

/** 15 significant digits, as Excel shows them: 0.1+0.2 is 0.3, not 0.30000000000000004. */
function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return String(Number(value.toPrecision(15)));
}

/** A number format that shows a date or time (d, m, y, h, s outside quotes and brackets; not a plain number format). */
function isDateFormat(numFmt: string): boolean {
  const bare = numFmt.replace(/"[^"]*"|\[[^\]]*\]|\\./g, '');
  return /[dyhs]|m/i.test(bare) && !/^[#0.,\s%E+-]*$/i.test(bare) && !/general/i.test(bare);
}

function fromSerial(serial: number, date1904: boolean): Date {
  const epoch = date1904 ? Date.UTC(1904, 0, 1) : Date.UTC(1899, 11, 30);
  return new Date(epoch + Math.round(serial * 86400000));
}

/** Dates as YYYY-MM-DD; date-times as YYYY-MM-DDTHH:MM(:SS). Excel stores wall-clock time: read as UTC. */
function isoDate(date: Date): string {
  if (Number.isNaN(date.getTime())) return '';
  const iso = date.toISOString();
  if (iso.endsWith('T00:00:00.000Z')) return iso.slice(0, 10);
  return iso.endsWith(':00.000Z') ? iso.slice(0, 16) : iso.slice(0, 19);
}
