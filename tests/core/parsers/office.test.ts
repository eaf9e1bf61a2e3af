import { describe, expect, it } from 'vitest';
import { parseDocument, type ParsedDocument, type Region } from '../../../app/core/parsers/index.js';
import { buildDocx, buildPptx, buildXlsx } from '../../fixtures/documents/office.js';

const textOf = (document: ParsedDocument, region: Region) => document.markdown.slice(region.start, region.end);

describe('DOCX parser', () => {
  it('keeps headings, paragraphs, bullet and numbered lists and tables, in Russian', async () => {
    const bytes = await buildDocx(
      [
        { heading: 'Договор поставки' },
        { paragraph: 'Стороны договорились о следующем: поставщик передаёт товар, покупатель платит.' },
        { heading: 'Сроки', level: 2 },
        { bullets: ['Поставка до 1 марта', 'Оплата в течение 10 дней'] },
        { numbered: ['Первый этап', 'Второй этап'] },
        { table: [['Этап', 'Дата'], ['Поставка', '2024-03-01'], ['Оплата', '2024-03-11']] },
      ],
      { title: 'Договор № 17' },
    );
    const document = await parseDocument({ name: 'договор.docx', bytes });
    expect(document).toEqual({
      format: 'docx',
      title: 'Договор № 17',
      markdown: [
        '# Договор поставки',
        '',
        'Стороны договорились о следующем: поставщик передаёт товар, покупатель платит.',
        '',
        '## Сроки',
        '',
        '- Поставка до 1 марта',
        '- Оплата в течение 10 дней',
        '',
        '1. Первый этап',
        '2. Второй этап',
        '',
        '| Этап | Дата |',
        '| --- | --- |',
        '| Поставка | 2024-03-01 |',
        '| Оплата | 2024-03-11 |',
        '',
      ].join('\n'),
      regions: [],
      warnings: [],
    });
  });

  it('takes the first heading as the title when the document has none', async () => {
    const document = await parseDocument({ name: 'memo.docx', bytes: await buildDocx([{ heading: 'Memo' }, { paragraph: 'Text.' }]) });
    expect(document.title).toBe('Memo');
  });
});

describe('XLSX parser', () => {
  const workbook = () =>
    buildXlsx([
      {
        name: 'Бюджет',
        rows: [
          ['Статья', 'Цена', 'Кол-во', 'Итого', 'Дата'],
          ['Поезд', 120, 2, { formula: 'B2*C2', result: 240 }, new Date(Date.UTC(2024, 2, 15))],
          ['Отель', 0.1, 3, { formula: 'B3*C3', result: 0.30000000000000004 }, new Date(Date.UTC(2024, 2, 16, 14, 30))],
        ],
        formats: { E: 'yyyy-mm-dd' },
      },
      { name: 'Notes', rows: [['Key', 'Value'], ['Owner', 'Anna'], ['Share', { formula: '1/8', result: 0.125 }]], origin: { row: 3, column: 2 } },
      { name: 'Lookup', rows: [['internal']], hidden: true },
    ]);

  it('writes one table per sheet under its name, formulas as their values, dates as ISO', async () => {
    const document = await parseDocument({ name: 'budget.xlsx', bytes: await workbook() });
    expect(document.markdown).toBe(
      [
        '## Бюджет',
        '',
        '| Статья | Цена | Кол-во | Итого | Дата |',
        '| --- | --- | --- | --- | --- |',
        '| Поезд | 120 | 2 | 240 | 2024-03-15 |',
        '| Отель | 0.1 | 3 | 0.3 | 2024-03-16T14:30 |',
        '',
        '## Notes',
        '',
        '| Key | Value |',
        '| --- | --- |',
        '| Owner | Anna |',
        '| Share | 0.125 |',
        '',
      ].join('\n'),
    );
    expect(document.warnings).toEqual(['Hidden sheet left out: Lookup.']);
  });

  it('points each table at its sheet and cell range', async () => {
    const document = await parseDocument({ name: 'budget.xlsx', bytes: await workbook() });
    expect(document.regions.map(({ sheet, cells }) => ({ sheet, cells }))).toEqual([
      { sheet: 'Бюджет', cells: 'A1:E3' },
      { sheet: 'Notes', cells: 'B3:C5' },
    ]);
    expect(textOf(document, document.regions[0]!)).toMatch(/^## Бюджет\n\n\| Статья[\s\S]*2024-03-16T14:30 \|$/);
    expect(textOf(document, document.regions[1]!)).toMatch(/^## Notes\n\n\| Key \| Value \|[\s\S]*\| Share \| 0\.125 \|$/);
  });

  it('cuts a long sheet into tables that repeat the header, each with its own rows', async () => {
    const rows: (string | number)[][] = [['Day', 'Sales']];
    for (let day = 1; day <= 120; day++) rows.push([`Day ${day}`, day * 10]);
    const document = await parseDocument({ name: 'sales.xlsx', bytes: await buildXlsx([{ name: 'Sales', rows }]) });
    expect(document.regions.map((r) => r.cells)).toEqual(['A1:B51', 'A52:B101', 'A102:B121']);
    const second = textOf(document, document.regions[1]!);
    expect(second.startsWith('| Day | Sales |\n| --- | --- |\n| Day 51 | 510 |\n')).toBe(true);
    expect(second.endsWith('| Day 100 | 1000 |')).toBe(true);
  });
});

describe('PPTX parser', () => {
  it('reads slides in presentation order with titles, bullets, text, tables and notes, one region per slide', async () => {
    const bytes = await buildPptx(
      [
        { title: 'Квартальный отчёт', bullets: ['Выручка выросла', 'Расходы снизились'], notes: 'Сказать про сезонность' },
        { title: 'Details', text: 'Numbers are in thousands.', table: [['Region', 'Sales'], ['North', '120']] },
        { title: 'Next steps', bullets: ['Hire', 'Ship'] },
      ],
      // Slide files 1, 3, 2 in the deck's order: the third file was moved up in PowerPoint.
      { title: 'Q3 review', order: [0, 2, 1] },
    );
    const document = await parseDocument({ name: 'q3.pptx', bytes });
    expect(document.title).toBe('Q3 review');
    expect(document.pageCount).toBe(3);
    expect(document.markdown).toBe(
      [
        '## Slide 1: Квартальный отчёт',
        '',
        '- Выручка выросла',
        '- Расходы снизились',
        '',
        '**Notes:** Сказать про сезонность',
        '',
        '## Slide 2: Next steps',
        '',
        '- Hire',
        '- Ship',
        '',
        '## Slide 3: Details',
        '',
        'Numbers are in thousands.',
        '',
        '| Region | Sales |',
        '| --- | --- |',
        '| North | 120 |',
        '',
      ].join('\n'),
    );
    expect(document.regions.map((r) => r.slide)).toEqual([1, 2, 3]);
    expect(textOf(document, document.regions[1]!)).toBe('## Slide 2: Next steps\n\n- Hire\n- Ship');
    expect(textOf(document, document.regions[2]!).endsWith('| North | 120 |')).toBe(true);
  });
});
