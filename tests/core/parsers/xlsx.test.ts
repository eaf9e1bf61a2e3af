import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { parseDocument } from '../../../app/core/parsers/index.js';

/** Excel's own en-US Accounting format (built-in 44), as it writes it into styles.xml. */
const accounting = '_("$"* #,##0.00_);_("$"* \\(#,##0.00\\);_("$"* "-"??_);_(@_)';

/** A one-sheet workbook, each row `[label, value, number format]`, under a `What | Shown` header. */
async function workbookOf(rows: [string, ExcelJS.CellValue, string?][]): Promise<Uint8Array> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Formats');
  sheet.addRow(['What', 'Shown']);
  for (const [label, value, numFmt] of rows) {
    const cell = sheet.addRow([label, value]).getCell(2);
    if (numFmt !== undefined) cell.numFmt = numFmt;
  }
  return new Uint8Array(await workbook.xlsx.writeBuffer());
}

const bodyOf = (markdown: string) => markdown.split('\n').slice(4, -1);

describe('XLSX number formats', () => {
  it('shows numbers as Excel shows them, and dates as ISO', async () => {
    const bytes = await workbookOf([
      ['thousands', 1234.5, '#,##0.00'],
      ['dollars', 1234.5, '"$"#,##0.00'],
      ['dollars, negative', -1234.5, '"$"#,##0.00'],
      ['percent', 0.1234, '0.0%'],
      ['scientific', 12345, '0.00E+00'],
      ['fraction', 1.5, '# ?/?'],
      ['text', 1234.5, '@'],
      // One section: Excel puts its own minus before the format's literal one.
      ['red', -1234, '[Red]-#,##0'],
      ['red negatives', -1234, '#,##0;[Red]-#,##0'],
      ['weight', 12, '0 "kg"'],
      // exceljs reads this as a date (it sees an "m") and drops the backslash; the format is a number with a unit.
      ['length', 3, '0.0 \\m'],
      // An escaped percent sign is only a sign: 12.3 stays 12.3.
      ['points', 12.3, '#0.0\\%'],
      ['accounting', 1234.5, accounting],
      ['accounting, negative', -1234.5, accounting],
      ['accounting, zero', 0, accounting],
      ['zip code', 2134, '00000'],
      ['date', new Date(Date.UTC(2024, 2, 15)), 'd-mmm-yy'],
      ['date-time', new Date(Date.UTC(2024, 2, 16, 14, 30)), 'm/d/yy h:mm'],
      ['time', 14.5 / 24, 'h:mm AM/PM'],
      ['duration', 1.5, '[h]:mm'],
      ['general', 0.1 + 0.2, 'General'],
      ['no format', 1 / 8],
      ['broken format', 1234.5, '#,##0.00"'],
    ]);
    const document = await parseDocument({ name: 'formats.xlsx', bytes });
    expect(document.markdown.split('\n').slice(0, 4)).toEqual(['## Formats', '', '| What | Shown |', '| --- | --- |']);
    expect(bodyOf(document.markdown)).toEqual([
      '| thousands | 1,234.50 |',
      '| dollars | $1,234.50 |',
      '| dollars, negative | -$1,234.50 |',
      '| percent | 12.3% |',
      '| scientific | 1.23E+04 |',
      '| fraction | 1 1/2 |',
      '| text | 1234.5 |',
      '| red | --1,234 |',
      '| red negatives | -1,234 |',
      '| weight | 12 kg |',
      '| length | 3.0 m |',
      '| points | 12.3% |',
      '| accounting | $1,234.50 |',
      '| accounting, negative | $(1,234.50) |',
      '| accounting, zero | $- |',
      '| zip code | 02134 |',
      '| date | 2024-03-15 |',
      '| date-time | 2024-03-16T14:30 |',
      '| time | 2:30 PM |',
      '| duration | 36:00 |',
      '| general | 0.3 |',
      '| no format | 0.125 |',
      '| broken format | 1234.5 |',
    ]);
    expect(document.warnings).toEqual(['1 cell has a number format that could not be read (`#,##0.00"`); its plain value is shown.']);
  });

  it('keeps formulas, shared and rich text, links, errors, booleans and merged cells as they were', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Kinds');
    sheet.addRow(['Item', 'Value', 'Note']);
    sheet.addRow(['Total', { formula: 'SUM(B3:B4)', result: 2469 }, 'plain']);
    sheet.addRow(['Rich', { richText: [{ text: 'bold ', font: { bold: true } }, { text: 'plain' }] }, 'plain']);
    sheet.addRow(['Link', { text: 'Hearth site', hyperlink: 'https://example.org/' }, 'plain']);
    sheet.addRow(['Ratio', { formula: '1/0', result: { error: '#DIV/0!' } }, 'plain']);
    sheet.addRow(['Done', true, 'merged note']);
    sheet.getCell('B2').numFmt = '"$"#,##0.00';
    sheet.getCell('B5').numFmt = '0.00%';
    sheet.getCell('B6').numFmt = '#,##0';
    sheet.mergeCells('C6:C7');
    sheet.getCell('A7').value = 'Next';
    const document = await parseDocument({ name: 'kinds.xlsx', bytes: new Uint8Array(await workbook.xlsx.writeBuffer()) });
    expect(bodyOf(document.markdown)).toEqual([
      '| Total | $2,469.00 | plain |',
      '| Rich | bold plain | plain |',
      '| Link | Hearth site | plain |',
      '| Ratio | #DIV/0! | plain |',
      '| Done | TRUE | merged note |',
      '| Next |  |  |',
    ]);
    expect(document.warnings).toEqual([]);
  });
});
