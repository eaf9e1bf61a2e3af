import { zipSync, strToU8 } from 'fflate';
import { describe, expect, it } from 'vitest';
import { HearthError } from '../../../schemas/index.js';
import { formatOfFile, parseDocument } from '../../../app/core/parsers/index.js';
import { binaryBytes } from '../../fixtures/documents.js';
import { buildDocx, buildXlsx } from '../../fixtures/documents/office.js';
import { buildPdf } from '../../fixtures/documents/pdf.js';

async function parseError(name: string, bytes: Uint8Array): Promise<HearthError> {
  try {
    await parseDocument({ name, bytes });
  } catch (error) {
    if (error instanceof HearthError) return error;
    throw error;
  }
  throw new Error(`expected ${name} to fail`);
}

const utf8 = (text: string) => new TextEncoder().encode(text);

/** The start of an OLE compound file (Office 97–2003, or the wrapper of a password-protected DOCX/XLSX). */
function oleFile(options: { encrypted: boolean }): Uint8Array {
  const bytes = new Uint8Array(4096);
  bytes.set([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
  if (options.encrypted) bytes.set(Buffer.from('EncryptedPackage', 'utf16le'), 1024);
  return bytes;
}

describe('parseDocument', () => {
  it('picks the format by extension', () => {
    expect(['a.PDF', 'b.docx', 'c.xlsx', 'd.csv', 'e.tsv', 'f.pptx', 'g.htm', 'h.md', 'i.txt'].map(formatOfFile)).toEqual([
      'pdf',
      'docx',
      'xlsx',
      'csv',
      'csv',
      'pptx',
      'html',
      'markdown',
      'text',
    ]);
  });

  it('names unsupported and legacy formats, with what to do', async () => {
    const unknown = await parseError('photo.heic', utf8('x'));
    expect(unknown.code).toBe('UNSUPPORTED_FORMAT');
    expect(unknown.message).toContain('.heic');
    const legacy = await parseError('old.doc', oleFile({ encrypted: false }));
    expect(legacy.code).toBe('UNSUPPORTED_FORMAT');
    expect(legacy.message).toContain('Save it as .docx');
  });

  it('reports empty files, whatever their format', async () => {
    for (const name of ['a.pdf', 'b.docx', 'c.xlsx', 'd.csv', 'e.pptx', 'f.html', 'g.md']) {
      expect((await parseError(name, new Uint8Array())).code).toBe('FILE_EMPTY');
    }
    expect((await parseError('blank.csv', utf8('\n\n  \n'))).code).toBe('FILE_EMPTY');
    expect((await parseError('blank.html', utf8('<html><body><script>x()</script></body></html>'))).code).toBe('FILE_EMPTY');
    expect((await parseError('blank.xlsx', await buildXlsx([{ name: 'Empty', rows: [] }]))).code).toBe('FILE_EMPTY');
  });

  it('says what a misnamed file really is', async () => {
    const pdfAsDocx = await parseError('report.docx', await buildPdf({ pages: [[{ paragraph: 'Text.' }]] }));
    expect(pdfAsDocx.code).toBe('FILE_CORRUPT');
    expect(pdfAsDocx.message).toBe('report.docx is not a Word document (.docx): its contents are a PDF. Rename it to report.pdf and add it again.');

    const docxAsPdf = await parseError('scan.pdf', await buildDocx([{ paragraph: 'Text.' }]));
    expect(docxAsPdf.code).toBe('FILE_CORRUPT');
    expect(docxAsPdf.message).toContain('its contents are a Word document. Rename it to scan.docx');

    const xlsxAsCsv = await parseError('table.csv', await buildXlsx([{ name: 'S', rows: [['a']] }]));
    expect(xlsxAsCsv.code).toBe('FILE_CORRUPT');
    expect(xlsxAsCsv.message).toContain('an Excel workbook');

    const textAsXlsx = await parseError('table.xlsx', utf8('a,b\n1,2\n'));
    expect(textAsXlsx.code).toBe('FILE_CORRUPT');
    expect(textAsXlsx.message).toContain('it holds plain text');
  });

  it('tells damaged packages, binary junk and password-protected Office files apart', async () => {
    const truncated = (await buildDocx([{ paragraph: 'Text.' }])).subarray(0, 200);
    expect((await parseError('cut.docx', truncated)).code).toBe('FILE_CORRUPT');
    const notOffice = zipSync({ 'readme.txt': strToU8('hello') });
    expect((await parseError('archive.pptx', notOffice)).message).toContain('a zip archive');
    expect((await parseError('data.csv', binaryBytes())).code).toBe('FILE_BINARY');
    const locked = await parseError('salaries.xlsx', oleFile({ encrypted: true }));
    expect(locked.code).toBe('UNSUPPORTED_FORMAT');
    expect(locked.message).toContain('protected with a password');
    expect(locked.details).toMatchObject({ encrypted: true });
  });

  it('stops before reading when already cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(parseDocument({ name: 'a.md', bytes: utf8('# A') }, { signal: controller.signal })).rejects.toMatchObject({ code: 'CANCELLED' });
  });
});
