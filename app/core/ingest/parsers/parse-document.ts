/**
 * The one entry point for reading a file: the extension picks the parser, the first bytes confirm it
 * (or explain what the file really is), and a result with no text is FILE_EMPTY, with the parser's
 * warnings saying why (a scan with OCR unavailable, an empty workbook).
 */
import path from 'node:path';
import { HearthError, type DocumentFormat } from '../../../../schemas/index.js';
import type { PdfScan, PdfSlice } from './pdf/pdf.js';
import { checkContentMatches, sniffContent } from './sniff.js';
import type { ParseContext, ParsedDocument, ParseInput, Parser } from './types.js';

const formatsByExtension: Record<string, DocumentFormat> = {
  '.md': 'markdown',
  '.markdown': 'markdown',
  '.mdown': 'markdown',
  '.txt': 'text',
  '.text': 'text',
  '.log': 'text',
  '.pdf': 'pdf',
  '.docx': 'docx',
  '.docm': 'docx',
  '.xlsx': 'xlsx',
  '.xlsm': 'xlsx',
  '.csv': 'csv',
  '.tsv': 'csv',
  '.pptx': 'pptx',
  '.pptm': 'pptx',
  '.html': 'html',
  '.htm': 'html',
  '.xhtml': 'html',
};

/** Extensions of formats Hearth knows but does not read, with what to do instead. */
const legacyFormats: Record<string, string> = {
  '.doc': 'Save it as .docx (Word: File → Save As) and add it again.',
  '.xls': 'Save it as .xlsx (Excel: File → Save As) and add it again.',
  '.ppt': 'Save it as .pptx (PowerPoint: File → Save As) and add it again.',
  '.odt': 'Save it as .docx and add it again.',
  '.ods': 'Save it as .xlsx and add it again.',
  '.odp': 'Save it as .pptx and add it again.',
  '.rtf': 'Save it as .docx and add it again.',
};

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

/** The extensions {@link parseDocument} reads. */
export const supportedExtensions = Object.keys(formatsByExtension);

export function formatOfFile(fileName: string): DocumentFormat {
  const extension = path.extname(fileName).toLowerCase();
  const format = formatsByExtension[extension];
  if (format) return format;
  const advice = legacyFormats[extension];
  throw new HearthError(
    'UNSUPPORTED_FORMAT',
    advice
      ? `${fileName}: Hearth does not read "${extension}" files. ${advice}`
      : `${fileName}: ${extension ? `"${extension}" files are` : 'files without an extension are'} not supported. ` +
          `Hearth reads ${[...new Set(Object.values(formatsByExtension))].join(', ')} (${supportedExtensions.join(' ')}).`,
    { fileName, extension },
  );
}

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
