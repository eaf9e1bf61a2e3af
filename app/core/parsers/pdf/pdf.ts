/**
 * PDF → Markdown with one region per page. Text comes from pdf.js's text layer, laid out by geometry
 * (see page-lines.ts and layout.ts); pages without a text layer are read by OCR when it is available,
 * and the user is told which pages were OCR'd or left out and why.
 */
import { HearthError } from '../../../../schemas/index.js';
import { MarkdownWriter, escapeLineStart, firstHeading } from '../markdown-writer.js';
import type { ParseContext, ParseInput, ParsedDocument, Parser } from '../types.js';
import { documentStyle, joinLines, pageBlocks, type PageLines } from './layout.js';
import { ocrEngine, renderPage, type OcrText } from './ocr.js';
import { pageLines, type TextRun } from './page-lines.js';
import { loadPdfjs, openPdf, type PdfDocument, type PdfjsLib, type PdfPage } from './pdfjs.js';

/** Share of the progress bar for reading the text layer when some pages still need OCR (which is far slower). */
const textShareWithOcr = 0.2;

export const parsePdf: Parser = (input, ctx) =>
  withPdf(input, async (lib, pdf) => {
    const scan = await scanPages(lib, pdf, { from: 1, to: pdf.numPages }, input, ctx);
    return compose(input, scan, ctx, pdf);
  });

/** What reading the text layer of some pages found: the material `composePdf` lays out. */
export interface PdfScan {
  pageCount: number;
  /** The pages scanned, in order. */
  pages: PageLines[];
  /** Pages that draw something but have no text layer (OCR candidates). */
  withoutText: number[];
  /** Pages pdf.js could not read (left out with a warning). */
  unreadable: number[];
  /** The document's own title, read by the slice holding page 1. */
  title?: string;
}

/** One of `count` runs of consecutive pages, about equal in size: `index` 0 holds page 1. */
export interface PdfSlice {
  index: number;
  count: number;
}

/**
 * Reads the text layer of one slice of a PDF's pages. A large PDF is read by several workers at once, each
 * a slice, and `composePdf` lays the slices out as one document (layout needs every page: running headers
 * and body size are found across the whole document).
 */
export function scanPdfSlice(input: ParseInput, slice: PdfSlice, ctx: ParseContext): Promise<PdfScan> {
  return withPdf(input, (lib, pdf) => scanPages(lib, pdf, sliceRange(pdf.numPages, slice), input, ctx));
}

/** The pages of slice `index` of `count`: consecutive, about equal, covering 1..pageCount exactly once across the slices. */
export function sliceRange(pageCount: number, { index, count }: PdfSlice): { from: number; to: number } {
  return { from: Math.floor((pageCount * index) / count) + 1, to: Math.floor((pageCount * (index + 1)) / count) };
}

/** Lays out the slices `scanPdfSlice` read into one document; the PDF is opened again only for OCR. */
export async function composePdf(input: ParseInput, scans: readonly PdfScan[], ctx: ParseContext): Promise<ParsedDocument> {
  const scan = mergeScans(input.name, scans);
  if (scan.withoutText.length > 0 && ctx.ocr !== false) return withPdf(input, (_lib, pdf) => compose(input, scan, ctx, pdf));
  return compose(input, scan, ctx, undefined);
}

function mergeScans(name: string, scans: readonly PdfScan[]): PdfScan {
  const pageCount = scans[0]?.pageCount ?? 0;
  const pages = scans.flatMap((scan) => scan.pages);
  if (scans.some((scan) => scan.pageCount !== pageCount) || pages.length !== pageCount || pages.some((page, i) => page.number !== i + 1)) {
    throw new HearthError('INTERNAL', `The parts of ${name} read in parallel do not fit together (${pages.length} pages of ${pageCount}).`);
  }
  const title = scans.find((scan) => scan.title !== undefined)?.title;
  return {
    pageCount,
    pages,
    withoutText: scans.flatMap((scan) => scan.withoutText),
    unreadable: scans.flatMap((scan) => scan.unreadable),
    ...(title !== undefined ? { title } : {}),
  };
}

async function withPdf<T>(input: ParseInput, use: (lib: PdfjsLib, pdf: PdfDocument) => Promise<T>): Promise<T> {
  const lib = await loadPdfjs();
  let pdf: PdfDocument;
  try {
    pdf = await openPdf(lib, input.bytes, input.password === '' ? undefined : input.password);
  } catch (error) {
    throw openError(lib, input, error);
  }
  try {
    return await use(lib, pdf);
  } finally {
    await pdf.destroy();
  }
}

async function scanPages(
  lib: PdfjsLib,
  pdf: PdfDocument,
  range: { from: number; to: number },
  input: ParseInput,
  ctx: ParseContext,
): Promise<PdfScan> {
  const pages: PageLines[] = [];
  const withoutText: number[] = [];
  const unreadable: number[] = [];
  const total = Math.max(1, range.to - range.from + 1);
  for (let number = range.from; number <= range.to; number++) {
    throwIfCancelled(ctx, input.name);
    let page: PdfPage | undefined;
    try {
      page = await pdf.getPage(number);
      const viewport = page.getViewport({ scale: 1, rotation: 0 });
      const content = await page.getTextContent();
      const runs = textRuns(lib, content.items, viewport.transform);
      if (runs.length === 0 && (await hasInk(lib, page))) withoutText.push(number);
      pages.push({ number, height: viewport.height, lines: pageLines(runs, viewport.width) });
    } catch (error) {
      if (error instanceof HearthError) throw error;
      unreadable.push(number);
      pages.push({ number, height: 0, lines: [] });
    } finally {
      page?.cleanup();
    }
    // OCR, when pages need it, takes the rest of the bar: it is far slower than reading text.
    ctx.onProgress?.(((number - range.from + 1) / total) * (withoutText.length > 0 && ctx.ocr !== false ? textShareWithOcr : 1));
  }
  const title = range.from === 1 ? await documentTitle(pdf) : undefined;
  return { pageCount: pdf.numPages, pages, withoutText, unreadable, ...(title !== undefined ? { title } : {}) };
}

/** The document from its scanned pages: OCR where a page has no text (when `pdf` is open for it), then layout. */
async function compose(input: ParseInput, scan: PdfScan, ctx: ParseContext, pdf: PdfDocument | undefined): Promise<ParsedDocument> {
  const { pageCount, pages, withoutText, unreadable } = scan;
  const warnings: string[] = [];
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
  const title = scan.title ?? firstHeading(markdown);
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
  pdf: PdfDocument | undefined,
  numbers: readonly number[],
  input: ParseInput,
  ctx: ParseContext,
  warnings: string[],
): Promise<Map<number, OcrText>> {
  const found = new Map<number, OcrText>();
  const noText = `${pageList(numbers)} ${numbers.length === 1 ? 'has' : 'have'} no text layer`;
  if (ctx.ocr === false || !pdf) {
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
