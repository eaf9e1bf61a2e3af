/**
 * PDF → Markdown with one region per page. Text comes from pdf.js's text layer, laid out by geometry
 * (see page-lines.ts and layout.ts); pages without a text layer are read by OCR when it is available,
 * and the user is told which pages were OCR'd or left out and why.
 */
import { HearthError } from '../../../../../schemas/index.js';
import { MarkdownWriter, escapeLineStart, firstHeading } from '../markdown-writer.js';
import type { ParseContext, ParseInput, ParsedDocument, Parser } from '../types.js';
import { documentStyle, joinLines, pageBlocks, type PageLines } from './layout.js';
import { ocrEngine, renderPage, type OcrText } from './ocr.js';
import { pageLines, type TextRun } from './page-lines.js';
import { loadPdfjs, openPdf, type PdfDocument, type PdfjsLib, type PdfPage } from './pdfjs.js';

/** Share of the progress bar for reading the text layer when some pages still need OCR (which is far slower). */
const textShareWithOcr = 0.2;

export const parsePdf: Parser = async (input, ctx) => {
  const lib = await loadPdfjs();
  let pdf: PdfDocument;
  try {
    pdf = await openPdf(lib, input.bytes, input.password === '' ? undefined : input.password);
  } catch (error) {
    throw openError(lib, input, error);
  }
  try {
    return await readPdf(lib, pdf, input, ctx);
  } finally {
    await pdf.destroy();
  }
};

async function readPdf(lib: PdfjsLib, pdf: PdfDocument, input: ParseInput, ctx: ParseContext): Promise<ParsedDocument> {
  const pageCount = pdf.numPages;
  const warnings: string[] = [];
  const pages: PageLines[] = [];
  const withoutText: number[] = [];
  const unreadable: number[] = [];
  for (let number = 1; number <= pageCount; number++) {
    throwIfCancelled(ctx, input.name);
    let page: PdfPage | undefined;
    try {
      page = await pdf.getPage(number);
      const viewport = page.getViewport({ scale: 1, rotation: 0 });
      const content = await page.getTextContent();
      const runs = textRuns(lib, content.items, viewport.transform);
      if (runs.length === 0 && (await hasInk(lib, page))) withoutText.push(number);
      pages.push({ number, height: viewport.height, lines: pageLines(runs, viewport.width) });
      page.cleanup();
    } catch (error) {
      if (error instanceof HearthError) throw error;
      unreadable.push(number);
      pages.push({ number, height: 0, lines: [] });
    } finally {
      page?.cleanup();
    }
    ctx.onProgress?.((number / pageCount) * (withoutText.length > 0 ? textShareWithOcr : 1));
  }
  if (unreadable.length > 0) warnings.push(`${pageList(unreadable)} could not be read (the file is damaged there) and ${unreadable.length === 1 ? 'was' : 'were'} left out.`);

  const ocrPages = withoutText.length > 0 ? await ocrPagesWithoutText(pdf, withoutText, input, ctx, warnings) : new Map<number, OcrText>();

  const style = documentStyle(pages);
  const writer = new MarkdownWriter();
  for (const page of pages) {
    writer.beginRegion({ page: page.number });
    const ocr = ocrPages.get(page.number);
    const blocks = ocr ? ocrBlocks(ocr.text) : pageBlocks(page, style, pageCount);
    for (const block of blocks) writer.block(block);
    writer.endRegion();
  }
  const { markdown, regions } = writer.finish();
  const title = (await documentTitle(pdf)) ?? firstHeading(markdown);
  return { format: 'pdf', markdown, regions, pageCount, warnings, ...(title ? { title } : {}) };
}

interface TextItemLike {
  str?: string;
  transform?: number[];
  width?: number;
}

/** pdf.js text items in page space (y down, origin top-left, page rotation ignored so text reads left to right). */
function textRuns(lib: PdfjsLib, items: readonly unknown[], viewportTransform: number[]): TextRun[] {
  const runs: TextRun[] = [];
  for (const raw of items) {
    const item = raw as TextItemLike;
    if (typeof item.str !== 'string' || !item.transform || item.str.trim() === '') continue;
    const t = lib.Util.transform(viewportTransform, item.transform) as number[];
    const size = Math.hypot(t[2]!, t[3]!);
    if (!(size > 0)) continue;
    runs.push({ text: item.str, x: t[4]!, y: t[5]!, width: item.width ?? 0, size });
  }
  return runs;
}

/** Whether a page without text draws anything worth reading: an image, or many vector shapes (outlined glyphs). */
async function hasInk(lib: PdfjsLib, page: PdfPage): Promise<boolean> {
  const { fnArray } = await page.getOperatorList();
  const images = new Set([lib.OPS.paintImageXObject, lib.OPS.paintInlineImageXObject, lib.OPS.paintImageMaskXObject, lib.OPS.paintImageXObjectRepeat]);
  let paths = 0;
  for (const op of fnArray) {
    if (images.has(op)) return true;
    if (op === lib.OPS.constructPath) paths++;
  }
  return paths >= 20;
}

async function ocrPagesWithoutText(
  pdf: PdfDocument,
  numbers: readonly number[],
  input: ParseInput,
  ctx: ParseContext,
  warnings: string[],
): Promise<Map<number, OcrText>> {
  const found = new Map<number, OcrText>();
  const noText = `${pageList(numbers)} ${numbers.length === 1 ? 'has' : 'have'} no text layer`;
  if (ctx.ocr === false) {
    warnings.push(`${noText} and ${numbers.length === 1 ? 'was' : 'were'} left out: OCR is turned off.`);
    return found;
  }
  const availability = await ocrEngine(ctx.ocr ?? {});
  if ('unavailable' in availability) {
    warnings.push(`${noText} and ${numbers.length === 1 ? 'was' : 'were'} left out: ${availability.unavailable}.`);
    return found;
  }
  const { engine } = availability;
  const failed: { number: number; reason: string }[] = [];
  for (const [index, number] of numbers.entries()) {
    throwIfCancelled(ctx, input.name);
    const page = await pdf.getPage(number);
    try {
      found.set(number, await engine.recognize(await renderPage(pdf, page)));
    } catch (error) {
      // One page OCR cannot read (an image pdf.js cannot decode, a tesseract failure) costs that page only.
      failed.push({ number, reason: error instanceof Error ? error.message : String(error) });
    } finally {
      page.cleanup();
    }
    ctx.onProgress?.(textShareWithOcr + ((1 - textShareWithOcr) * (index + 1)) / numbers.length);
  }
  if (failed.length > 0) {
    const many = failed.length > 1;
    warnings.push(`${pageList(failed.map((f) => f.number))} ${many ? 'have' : 'has'} no text layer, and OCR failed on ${many ? 'them' : 'it'} (${failed[0]!.reason}); ${many ? 'they were' : 'it was'} left out.`);
  }
  const results = numbers.filter((number) => found.has(number)).map((number) => ({ number, ...found.get(number)! }));
  if (results.length === 0) return found;
  if (results.length <= 3) {
    for (const r of results) {
      warnings.push(`Page ${r.number} has no text layer; OCR found ${r.words} word${r.words === 1 ? '' : 's'} (confidence ${Math.round(r.confidence)}%).`);
    }
  } else {
    const words = results.reduce((sum, r) => sum + r.words, 0);
    const confidence = results.reduce((sum, r) => sum + r.confidence, 0) / results.length;
    const read = results.map((r) => r.number);
    warnings.push(`${pageList(read)} have no text layer; OCR found ${words} words on them (mean confidence ${Math.round(confidence)}%).`);
  }
  if (engine.missing.length > 0) {
    warnings.push(
      `OCR read ${numbers.length === 1 ? 'this page' : 'these pages'} as ${engine.languages.map(languageName).join(' and ')} only: ` +
        `there is no ${engine.missing.map(languageName).join(' or ')} language data (add its .traineddata file, e.g. from Debian's tesseract-ocr-rus).`,
    );
  }
  return found;
}

const languageNames: Record<string, string> = { eng: 'English', rus: 'Russian', deu: 'German', fra: 'French', ukr: 'Ukrainian' };
const languageName = (code: string) => languageNames[code] ?? code;

/** OCR text → paragraphs (tesseract separates them with blank lines), lines joined and de-hyphenated. */
function ocrBlocks(text: string): string[] {
  return text
    .split(/\n\s*\n/)
    .map((paragraph) =>
      joinLines(
        paragraph
          .split('\n')
          .map((line) => line.trim())
          .filter(Boolean),
      ),
    )
    .filter((paragraph) => paragraph !== '')
    .map(escapeLineStart);
}

async function documentTitle(pdf: PdfDocument): Promise<string | undefined> {
  try {
    const { info } = await pdf.getMetadata();
    const title = (info as { Title?: unknown }).Title;
    if (typeof title !== 'string') return undefined;
    const clean = title.replace(/^Microsoft (Word|PowerPoint) - /, '').trim();
    return clean || undefined;
  } catch {
    return undefined; // damaged metadata: the first heading stands in for the title
  }
}

function openError(lib: PdfjsLib, input: ParseInput, error: unknown): HearthError {
  const { name, message, code } = (error ?? {}) as { name?: string; message?: string; code?: number };
  const details = { fileName: input.name };
  if (name === 'PasswordException') {
    if (code === lib.PasswordResponses.INCORRECT_PASSWORD) {
      return new HearthError('PASSWORD_INCORRECT', `The password for ${input.name} is not right. Check it and try again.`, details);
    }
    return new HearthError('PASSWORD_REQUIRED', `${input.name} is protected with a password. Enter its password to add it.`, details);
  }
  return new HearthError('FILE_CORRUPT', `${input.name} is damaged and cannot be read as a PDF (${message ?? String(error)}).`, details);
}

function throwIfCancelled(ctx: ParseContext, name: string): void {
  if (ctx.signal?.aborted) throw new HearthError('CANCELLED', `Reading ${name} was cancelled.`);
}

/** "Page 4", "Pages 2, 3 and 7", "Pages 2–9". */
function pageList(numbers: readonly number[]): string {
  if (numbers.length === 1) return `Page ${numbers[0]}`;
  const ranges: string[] = [];
  for (let i = 0; i < numbers.length; ) {
    let j = i;
    while (j + 1 < numbers.length && numbers[j + 1] === numbers[j]! + 1) j++;
    ranges.push(j - i >= 2 ? `${numbers[i]}–${numbers[j]}` : j === i ? `${numbers[i]}` : `${numbers[i]}, ${numbers[j]}`);
    i = j + 1;
  }
  const last = ranges.pop()!;
  return `Pages ${ranges.length > 0 ? `${ranges.join(', ')} and ${last}` : last}`;
}
