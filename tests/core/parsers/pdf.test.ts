import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HearthError } from '../../../schemas/index.js';
import { parseDocument, shutdownOcr, type ParsedDocument } from '../../../app/core/parsers/index.js';
import { buildEncryptedPdf } from '../../fixtures/documents/encrypted-pdf.js';
import { textImage } from '../../fixtures/documents/images.js';
import { buildPdf } from '../../fixtures/documents/pdf.js';

async function parseError(run: Promise<unknown>): Promise<HearthError> {
  try {
    await run;
  } catch (error) {
    if (error instanceof HearthError) return error;
    throw error;
  }
  throw new Error('expected a HearthError');
}

/** The Markdown of a page, through its region: what a citation of that page points at. */
function pageText(document: ParsedDocument, page: number): string {
  const region = document.regions.find((r) => r.page === page);
  if (!region) throw new Error(`no region for page ${page}`);
  return document.markdown.slice(region.start, region.end);
}

const refundParagraph =
  'Сотрудники могут вернуть стоимость железнодорожных билетов в течение тридцати дней после поездки. ' +
  'Чеки обязательны, а заявление подаётся через бухгалтерию не позднее пятого числа следующего месяца.';

describe('PDF parser', () => {
  let report: ParsedDocument;

  beforeAll(async () => {
    const bytes = await buildPdf({
      title: 'Travel policy 2024',
      runningHeader: 'Hearth Corp — internal',
      pageNumbers: true,
      pages: [
        [{ heading: 'Политика возврата' }, { paragraph: refundParagraph }, { heading: 'Hotels', size: 15 }, { list: ['Book through the portal', 'Keep every receipt'] }],
        [
          { heading: 'Budget', size: 15 },
          { table: [['Item', 'Amount', 'Owner'], ['Train', '120', 'Anna'], ['Hotel', '450', 'Пётр']] },
          { list: ['Approve', 'Pay'], ordered: true },
        ],
        [{ paragraph: 'Closing remarks on page three.' }],
      ],
    });
    report = await parseDocument({ name: 'policy.pdf', bytes });
  });

  it('reads every page in order, with Russian text intact and wrapped lines joined into one paragraph', () => {
    expect(report.format).toBe('pdf');
    expect(report.pageCount).toBe(3);
    expect(report.title).toBe('Travel policy 2024');
    expect(report.markdown).toContain(`\n\n${refundParagraph}\n\n`);
    expect(report.markdown.indexOf('Политика возврата')).toBeLessThan(report.markdown.indexOf('Budget'));
    expect(report.markdown.indexOf('Budget')).toBeLessThan(report.markdown.indexOf('Closing remarks'));
    expect(report.warnings).toEqual([]);
  });

  it('turns larger type into headings, bullets and numbers into lists, and aligned columns into a table', () => {
    expect(report.markdown.startsWith('# Политика возврата\n\n')).toBe(true);
    expect(report.markdown).toContain('\n## Hotels\n\n- Book through the portal\n- Keep every receipt\n');
    expect(report.markdown).toContain('## Budget\n\n| Item | Amount | Owner |\n| --- | --- | --- |\n| Train | 120 | Anna |\n| Hotel | 450 | Пётр |\n');
    expect(report.markdown).toContain('\n1. Approve\n2. Pay\n');
  });

  it('drops running headers and page numbers', () => {
    expect(report.markdown).not.toContain('Hearth Corp — internal');
    expect(report.markdown).not.toMatch(/^\d+$/m);
  });

  it('maps each page to its stretch of Markdown: sorted, non-overlapping, and holding exactly that page', () => {
    expect(report.regions.map((r) => r.page)).toEqual([1, 2, 3]);
    for (let i = 1; i < report.regions.length; i++) expect(report.regions[i]!.start).toBeGreaterThanOrEqual(report.regions[i - 1]!.end);
    expect(pageText(report, 1)).toBe(`# Политика возврата\n\n${refundParagraph}\n\n## Hotels\n\n- Book through the portal\n- Keep every receipt`);
    expect(pageText(report, 2)).toContain('| Hotel | 450 | Пётр |');
    expect(pageText(report, 2)).not.toContain('Hotels');
    expect(pageText(report, 3)).toBe('Closing remarks on page three.');
  });

  it('reads a two-column page column by column', async () => {
    const left = 'Left column text that runs for a while so that it wraps over several lines in its narrow column.';
    const right = 'Right column text, which a reader reaches only after finishing the whole left column above.';
    // Pages 300 points wide hold one column each; drawn side by side they make one two-column page.
    const bytes = await buildTwoColumnPdf(`${left} `.repeat(4).trim(), `${right} `.repeat(4).trim());
    const document = await parseDocument({ name: 'columns.pdf', bytes });
    expect(document.markdown).toBe(`${`${left} `.repeat(4).trim()}\n\n${`${right} `.repeat(4).trim()}\n`);
    expect(document.markdown.indexOf('Left column')).toBeLessThan(document.markdown.indexOf('Right column'));
  });

  it('asks for the password of an encrypted PDF, rejects a wrong one, and reads it with the right one', async () => {
    const bytes = buildEncryptedPdf({ userPassword: 'hearth-2024', text: 'Confidential: budget 42' });
    const required = await parseError(parseDocument({ name: 'locked.pdf', bytes }));
    expect(required.code).toBe('PASSWORD_REQUIRED');
    expect(required.message).toContain('locked.pdf');
    const incorrect = await parseError(parseDocument({ name: 'locked.pdf', bytes, password: 'guess' }));
    expect(incorrect.code).toBe('PASSWORD_INCORRECT');
    const opened = await parseDocument({ name: 'locked.pdf', bytes, password: 'hearth-2024' });
    expect(opened.markdown).toBe('Confidential: budget 42\n');
    expect(opened.regions).toEqual([{ start: 0, end: 23, page: 1 }]);
  });

  it('stops between pages when cancelled', async () => {
    const bytes = await buildPdf({ pages: Array.from({ length: 20 }, (_, i) => [{ paragraph: `Page ${i + 1}.` }]) });
    const controller = new AbortController();
    const seen: number[] = [];
    const reading = parseDocument(
      { name: 'long.pdf', bytes },
      {
        signal: controller.signal,
        onProgress: (fraction) => {
          seen.push(fraction);
          controller.abort();
        },
      },
    );
    await expect(reading).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(seen).toEqual([1 / 20]);
  });

  it('reports damaged PDFs as FILE_CORRUPT', async () => {
    const good = await buildPdf({ pages: [[{ paragraph: 'Some text.' }]] });
    for (const bytes of [good.subarray(0, good.length / 2), new TextEncoder().encode(`%PDF-1.7\n${'garbage '.repeat(500)}`)]) {
      const error = await parseError(parseDocument({ name: 'broken.pdf', bytes }));
      expect(error.code).toBe('FILE_CORRUPT');
      expect(error.message).toContain('broken.pdf');
    }
  });

  describe('pages without a text layer', () => {
    afterAll(() => shutdownOcr());

    const scanned = async () => {
      const scan = textImage(['Scanned invoice number 4711', 'Total amount due: 1250 euros']);
      return buildPdf({
        pages: [[{ heading: 'Cover letter' }, { paragraph: 'The invoice follows.' }], [{ image: scan.png, width: scan.width * 0.3, height: scan.height * 0.3 }]],
      });
    };

    it('reads them with OCR from local language data and says so', async () => {
      const document = await parseDocument({ name: 'scan.pdf', bytes: await scanned() });
      expect(pageText(document, 1)).toBe('# Cover letter\n\nThe invoice follows.');
      expect(pageText(document, 2)).toMatch(/Scanned invoice number 4711\s+Total amount due: 1250 euros/);
      expect(document.warnings[0]).toMatch(/^Page 2 has no text layer; OCR found 9 words \(confidence \d+%\)\.$/);
    });

    it('keeps the rest of the document and warns when OCR is off or has no language data', async () => {
      const bytes = await scanned();
      const off = await parseDocument({ name: 'scan.pdf', bytes }, { ocr: false });
      expect(off.markdown).toBe('# Cover letter\n\nThe invoice follows.\n');
      expect(off.warnings).toEqual(['Page 2 has no text layer and was left out: OCR is turned off.']);
      const noData = await parseDocument({ name: 'scan.pdf', bytes }, { ocr: { languages: ['fra'], tessdataDirs: [] } });
      expect(noData.warnings[0]).toMatch(/^Page 2 has no text layer and was left out: no OCR language data was found for fra/);
    });

    it('fails a document with no text at all, without OCR, as FILE_EMPTY saying why', async () => {
      const scan = textImage(['Only a picture']);
      const bytes = await buildPdf({ pages: [[{ image: scan.png, width: 300, height: 60 }]] });
      const error = await parseError(parseDocument({ name: 'picture.pdf', bytes }, { ocr: false }));
      expect(error.code).toBe('FILE_EMPTY');
      expect(error.message).toContain('Page 1 has no text layer');
    });
  });
});

/** One page with two columns of body text, built by placing two paragraphs side by side. */
async function buildTwoColumnPdf(left: string, right: string): Promise<Uint8Array> {
  const { PDFDocument } = await import('pdf-lib');
  const narrow = await PDFDocument.load(await buildPdf({ pageSize: [300, 842], pages: [[{ paragraph: left }], [{ paragraph: right }]] }));
  const document = await PDFDocument.create();
  const [leftPage, rightPage] = await document.embedPages(narrow.getPages());
  const page = document.addPage([595, 842]);
  page.drawPage(leftPage!, { x: 0, y: 0 });
  page.drawPage(rightPage!, { x: 290, y: 0 });
  return document.save();
}
