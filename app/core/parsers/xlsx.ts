/**
 * Excel workbooks: one `## <sheet>` section per visible sheet, its used range as Markdown tables with
 * A1 cell ranges in the regions. Numbers read as Excel shows them ("$1,234.50", "12.3%", "1 1/2"), except
 * dates, which are ISO; formulas show their saved values; merged cells show their value once.
 */
import ExcelJS from 'exceljs';
import { format as formatWithPattern, getFormatDateInfo, getFormatFromId, isDateFormat, isValidFormat } from 'numfmt';
import { HearthError } from '../../../schemas/index.js';
import { decodeEntities } from './entities.js';
import { MarkdownWriter } from './markdown-writer.js';
import { partText, readParts } from './ooxml.js';
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
  const numbers = new NumberFormats(workbook.properties?.date1904 === true, savedFormatCodes(input.name, input.bytes));
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
        const shown = cellText(cell, numbers);
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
  const unreadable = numbers.unreadable();
  if (unreadable.cells > 0) {
    warnings.push(
      `${unreadable.cells} cell${unreadable.cells === 1 ? ' has a number format' : 's have number formats'} that could not be read (${unreadable.formats.slice(0, 5).map((f) => `\`${f}\``).join(', ')}${unreadable.formats.length > 5 ? ', …' : ''}); ${unreadable.cells === 1 ? 'its plain value is' : 'their plain values are'} shown.`,
    );
  }
  const { markdown, regions } = writer.finish();
  const title = workbook.title?.trim();
  return { format: 'xlsx', markdown, regions, warnings, ...(title ? { title } : {}) };
};

function cellText(cell: Cell, numbers: NumberFormats): { text: string; missingValue?: boolean } {
  // A merged range shows its value in its top-left cell only.
  if (cell.isMerged && cell.master.address !== cell.address) return { text: '' };
  const value = cell.value;
  if (value === null || value === undefined) return { text: '' };
  if (typeof value === 'object' && !(value instanceof Date) && ('formula' in value || 'sharedFormula' in value)) {
    const result = value.result;
    if (result === undefined || result === null) return { text: `=${value.formula ?? ('sharedFormula' in value ? value.sharedFormula : '')}`, missingValue: true };
    return { text: plainValue(result, cell.numFmt, numbers) };
  }
  return { text: plainValue(value, cell.numFmt, numbers) };
}

function plainValue(value: NonNullable<ExcelJS.CellValue>, numFmt: string | undefined, numbers: NumberFormats): string {
  if (value instanceof Date) return numbers.showDate(value, numFmt);
  if (typeof value === 'number') return numbers.showNumber(value, numFmt);
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

/**
 * What a number format does to a number: General (our own printing), a calendar date (ISO, so search
 * and the model read one unambiguous form), anything else Excel can show (numfmt), or unreadable.
 */
type FormatKind = 'general' | 'calendar' | 'excel' | 'unreadable';

/** One workbook's number formats, each classified once; counts the cells whose format could not be read. */
class NumberFormats {
  private readonly kinds = new Map<string, FormatKind>();
  private readonly unreadableFormats = new Set<string>();
  private unreadableCells = 0;

  constructor(
    private readonly date1904: boolean,
    /** exceljs's form of a format → the one saved in the file (see `savedFormatCodes`). */
    private readonly saved: ReadonlyMap<string, string>,
  ) {}

  showNumber(value: number, numFmt: string | undefined): string {
    const kind = this.kindOf(numFmt);
    if (kind === 'calendar') return isoDate(fromSerial(value, this.date1904));
    if (kind === 'excel') return this.excelText(value, numFmt!) ?? formatNumber(value);
    if (kind === 'unreadable') this.noteUnreadable(numFmt!);
    return formatNumber(value);
  }

  /** exceljs hands over a Date whenever a format has a date-like letter (even `0.0 \m`): its format decides. */
  showDate(value: Date, numFmt: string | undefined): string {
    const kind = this.kindOf(numFmt);
    if (kind === 'excel') return this.excelText(toSerial(value, this.date1904), numFmt!) ?? isoDate(value);
    if (kind === 'unreadable') this.noteUnreadable(numFmt!);
    return isoDate(value);
  }

  unreadable(): { cells: number; formats: string[] } {
    return { cells: this.unreadableCells, formats: [...this.unreadableFormats] };
  }

  private kindOf(numFmt: string | undefined): FormatKind {
    if (numFmt === undefined || /^\s*general\s*$/i.test(numFmt)) return 'general';
    let kind = this.kinds.get(numFmt);
    if (kind === undefined) {
      kind = classify(this.savedForm(numFmt));
      this.kinds.set(numFmt, kind);
    }
    return kind;
  }

  private savedForm(numFmt: string): string {
    return this.saved.get(numFmt) ?? numFmt;
  }

  /** The text Excel shows, en-US (the locale formats are stored in); undefined if numfmt fails on this value. */
  private excelText(value: number, numFmt: string): string | undefined {
    try {
      // Excel pads with `_)` and `?` to line up columns; in a Markdown cell that padding is noise.
      return formatWithPattern(this.savedForm(numFmt), value, { locale: 'en-US' }).trim();
    } catch {
      // A format numfmt parsed can still fail on one value; that cell falls back to its plain value and is
      // reported in the workbook's warnings rather than failing the workbook.
      this.noteUnreadable(numFmt);
      return undefined;
    }
  }

  private noteUnreadable(numFmt: string): void {
    this.unreadableCells++;
    this.unreadableFormats.add(this.savedForm(numFmt));
  }
}

/**
 * exceljs drops every backslash from the number formats it reads: `0.0\%` (a literal percent sign) comes
 * back as `0.0%` (times 100), `0.0 \m` as `0.0 m` (months). The saved formats are read again from
 * styles.xml and keyed by the form exceljs gives. A form that several formats share (a saved `0%`, or the
 * built-in one, beside a `0\%`) is left as exceljs gives it: we cannot tell which one a cell used.
 */
function savedFormatCodes(fileName: string, bytes: Uint8Array): Map<string, string> {
  const styles = partText(readParts(fileName, bytes, (name) => name === 'xl/styles.xml'), 'xl/styles.xml') ?? '';
  const savedByForm = new Map<string, Set<string>>();
  const note = (saved: string) => {
    const form = saved.replace(/\\(.)/g, '$1');
    savedByForm.set(form, (savedByForm.get(form) ?? new Set()).add(saved));
  };
  for (const match of styles.matchAll(/<(?:\w+:)?numFmt\b[^>]*?\bformatCode\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
    note(decodeEntities(match[1] ?? match[2] ?? ''));
  }
  const saved = new Map<string, string>();
  for (const [form, codes] of savedByForm) {
    const [code, ...others] = codes;
    if (code !== undefined && others.length === 0 && code !== form && !builtInFormats.has(form)) saved.set(form, code);
  }
  return saved;
}

/** Excel's built-in formats (ids 0–81, en-US), which a file uses without writing them out. */
const builtInFormats = new Set(Array.from({ length: 82 }, (_, id) => getFormatFromId(id, 'en-US')));

function classify(numFmt: string): FormatKind {
  if (!isValidFormat(numFmt)) return 'unreadable';
  if (!isDateFormat(numFmt)) return 'excel';
  // Times of day and durations ("2:30 PM", "[h]:mm" → "36:00") have no calendar date to write as ISO.
  const { year, month, day } = getFormatDateInfo(numFmt);
  return year || month || day ? 'calendar' : 'excel';
}

/** 15 significant digits, as Excel shows them: 0.1+0.2 is 0.3, not 0.30000000000000004. */
function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return String(Number(value.toPrecision(15)));
}

function epochOf(date1904: boolean): number {
  return date1904 ? Date.UTC(1904, 0, 1) : Date.UTC(1899, 11, 30);
}

function fromSerial(serial: number, date1904: boolean): Date {
  return new Date(epochOf(date1904) + Math.round(serial * 86400000));
}

function toSerial(date: Date, date1904: boolean): number {
  return (date.getTime() - epochOf(date1904)) / 86400000;
}

/** Dates as YYYY-MM-DD; date-times as YYYY-MM-DDTHH:MM(:SS). Excel stores wall-clock time: read as UTC. */
function isoDate(date: Date): string {
  if (Number.isNaN(date.getTime())) return '';
  const iso = date.toISOString();
  if (iso.endsWith('T00:00:00.000Z')) return iso.slice(0, 10);
  return iso.endsWith(':00.000Z') ? iso.slice(0, 16) : iso.slice(0, 19);
}
