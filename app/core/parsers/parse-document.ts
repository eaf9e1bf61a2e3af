/**
 * The one entry point for reading a file: the extension picks the parser, the first bytes confirm it
 * (or explain what the file really is), and a result with no text is FILE_EMPTY, with the parser's
 * warnings saying why (a scan with OCR unavailable, an empty workbook).
 */
import { HearthError, type DocumentFormat } from '../../../schemas/index.js';
import type { PdfScan, PdfSlice } from './pdf/pdf.js';
import { formatOfFile } from './formats.js';
import { checkContentMatches, sniffContent } from './sniff.js';
import type { ParseContext, ParsedDocument, ParseInput, Parser } from './types.js';

/** Each parser is loaded on first use: a worker that only ever sees PDFs never loads exceljs or mammoth. */
const parsers: Record<DocumentFormat, () => Promise<Parser>> = {
  markdown: async () => (await import('./text.js')).parseText,
  text: async () => (await import('./text.js')).parseText,
  pdf: async () => (await import('./pdf/pdf.js')).parsePdf,
  docx: async () => (await import('./docx.js')).parseDocx,
  xlsx: async () => (await import('./xlsx.js')).parseXlsx,
  csv: async () => (await import('./csv.js')).parseCsv,
  pptx: async () => (await import('./pptx.js')).parsePptx,
  html: async () => (await import('./html.js')).parseHtml,
};

export async function parseDocument(input: ParseInput, ctx: ParseContext = {}): Promise<ParsedDocument> {
  const format = checkInput(input, ctx);
  const parse = await parsers[format]();
  return checkOutput(input, await parse(input, ctx), ctx);
}

/**
 * Reads the text layer of one slice of a PDF's pages, for a large PDF read by several workers at once; the
 * file is checked as `parseDocument` checks it. `composePdfDocument` then makes the document of the slices.
 */
export async function scanPdfPages(input: ParseInput, slice: PdfSlice, ctx: ParseContext = {}): Promise<PdfScan> {
  const format = checkInput(input, ctx);
  if (format !== 'pdf') throw new HearthError('BAD_REQUEST', `${input.name} is not a PDF: only PDFs are read in slices.`, { fileName: input.name });
  return (await import('./pdf/pdf.js')).scanPdfSlice(input, slice, ctx);
}

export async function composePdfDocument(input: ParseInput, scans: readonly PdfScan[], ctx: ParseContext = {}): Promise<ParsedDocument> {
  return checkOutput(input, await (await import('./pdf/pdf.js')).composePdf(input, scans, ctx), ctx);
}

function checkInput(input: ParseInput, ctx: ParseContext): DocumentFormat {
  const format = formatOfFile(input.name);
  if (input.bytes.length === 0) throw new HearthError('FILE_EMPTY', `${input.name} is empty: there is nothing to index.`, { fileName: input.name });
  checkContentMatches(input.name, format, sniffContent(input.bytes));
  if (ctx.signal?.aborted) throw new HearthError('CANCELLED', `Reading ${input.name} was cancelled.`);
  return format;
}

function checkOutput(input: ParseInput, document: ParsedDocument, ctx: ParseContext): ParsedDocument {
  if (document.markdown.trim() === '') {
    const why = document.warnings.length > 0 ? ` ${document.warnings.join(' ')}` : '';
    throw new HearthError('FILE_EMPTY', `${input.name} has no text to index.${why}`, { fileName: input.name, warnings: document.warnings });
  }
  ctx.onProgress?.(1);
  return document;
}
