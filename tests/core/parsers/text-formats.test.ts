import { describe, expect, it } from 'vitest';
import { decodeTextBytes, parseDocument } from '../../../app/core/parsers/index.js';
import { russianNotes } from '../../fixtures/documents.js';
import { encodeText, russianCsv, russianHtml, type TextEncoding } from '../../fixtures/documents/text-encodings.js';

const csvTable = [
  '| Имя | Город | Сумма |',
  '| --- | --- | --- |',
  '| Иван Петров | Москва | 1200 |',
  '| Пётр Сидоров | Казань | 950 |',
  '',
].join('\n');

describe('CSV parser', () => {
  it.each<[TextEncoding, string]>([
    ['utf-8', ';'],
    ['utf-8-bom', ','],
    ['windows-1251', ';'],
    ['utf-16le-bom', '\t'],
    ['utf-16be-bom', '|'],
    ['utf-16le', '\t'],
  ])('reads %s with "%s" between fields as one table with its cell range', async (encoding, delimiter) => {
    const bytes = encodeText(russianCsv.replace(/;/g, delimiter), encoding);
    const document = await parseDocument({ name: 'people.csv', bytes });
    expect(document.markdown).toBe(csvTable);
    expect(document.regions).toEqual([{ start: 0, end: csvTable.length - 1, cells: 'A1:C3' }]);
  });

  it('keeps quoted fields with delimiters, quotes and line breaks in one cell', async () => {
    const bytes = encodeText('Name,Note\n"Smith, J.","He said ""yes""\nthen left"\n', 'utf-8');
    const document = await parseDocument({ name: 'notes.csv', bytes });
    expect(document.markdown).toBe('| Name | Note |\n| --- | --- |\n| Smith, J. | He said "yes" then left |\n');
  });

  it('escapes pipes inside cells so the table stays a table', async () => {
    const document = await parseDocument({ name: 'pipes.csv', bytes: encodeText('a,b\nx|y,z\n', 'utf-8') });
    expect(document.markdown).toBe('| a | b |\n| --- | --- |\n| x\\|y | z |\n');
  });
});

describe('HTML parser', () => {
  const expected = [
    '# Политика возврата',
    '',
    'Сотрудники могут вернуть стоимость **железнодорожных** билетов в течение тридцати дней.',
    '',
    '## Гостиницы',
    '',
    '- До 150 евро за ночь',
    '- Конференц-отели — без ограничений',
    '',
    '| Город | Лимит |',
    '| --- | --- |',
    '| Москва | 200 |',
    '| Казань | 120 |',
    '',
    'См. [правила](https://example.com/rules).',
    '',
  ].join('\n');

  it.each<[string, TextEncoding, string | undefined]>([
    ['UTF-8 with <meta charset>', 'utf-8', '<meta charset="utf-8">'],
    ['Windows-1251 with <meta charset>', 'windows-1251', '<meta charset="windows-1251">'],
    ['Windows-1251 with http-equiv', 'windows-1251', '<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">'],
    ['Windows-1251 without a declaration', 'windows-1251', undefined],
    ['UTF-16 with a BOM', 'utf-16le-bom', undefined],
  ])('reads %s: headings, lists, tables and links, without scripts, styles or navigation', async (_label, encoding, meta) => {
    const document = await parseDocument({ name: 'policy.html', bytes: encodeText(russianHtml(meta), encoding) });
    expect(document.markdown).toBe(expected);
    expect(document.title).toBe('Политика возврата — Hearth');
    expect(document.regions).toEqual([]);
  });

  it('keeps text as written: no backslashes before underscores or stars', async () => {
    const document = await parseDocument({ name: 'code.html', bytes: encodeText('<p>Set max_file_size to 5 * 1024.</p>', 'utf-8') });
    expect(document.markdown).toBe('Set max_file_size to 5 * 1024.\n');
  });
});

describe('Markdown and text', () => {
  it('go through the existing decode path unchanged, titled by their first heading', async () => {
    const markdown = await parseDocument({ name: 'notes.md', bytes: encodeText(russianNotes, 'windows-1251') });
    expect(markdown).toEqual({ format: 'markdown', markdown: russianNotes, regions: [], warnings: [], title: 'Политика возврата' });
    const text = await parseDocument({ name: 'notes.txt', bytes: encodeText('Привет, мир!\r\n', 'utf-16le') });
    expect(text).toEqual({ format: 'text', markdown: 'Привет, мир!\n', regions: [], warnings: [] });
  });
});

describe('decodeTextBytes', () => {
  it('tells Windows-1251 from KOI8-R, and both from Western text', () => {
    const russian = 'Сотрудники могут вернуть стоимость билетов.';
    expect(decodeTextBytes('a.txt', encodeText(russian, 'windows-1251'))).toEqual({ text: russian, encoding: 'windows-1251' });
    const koi8 = Uint8Array.from([0xf0, 0xd2, 0xc9, 0xd7, 0xc5, 0xd4, 0x2c, 0x20, 0xcd, 0xc9, 0xd2, 0x21]); // "Привет, мир!" in KOI8-R
    expect(decodeTextBytes('b.txt', koi8)).toEqual({ text: 'Привет, мир!', encoding: 'koi8-r' });
    const french = Uint8Array.from(Buffer.from('Le café est à côté de la gare.', 'latin1'));
    expect(decodeTextBytes('c.txt', french)).toEqual({ text: 'Le café est à côté de la gare.', encoding: 'windows-1252' });
  });

  it('believes valid UTF-8 over a stale declaration, and a declaration over guessing', () => {
    expect(decodeTextBytes('a.html', encodeText('Привет', 'utf-8'), 'windows-1251').encoding).toBe('utf-8');
    expect(decodeTextBytes('b.html', Uint8Array.from([0xc0, 0xc1]), 'koi8-r')).toEqual({ text: 'юа', encoding: 'koi8-r' });
  });
});
