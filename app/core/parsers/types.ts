/**
 * The contract every document parser keeps: bytes in, normalized Markdown out, with a map from stretches
 * of that Markdown back to where they came from (PDF page, sheet and cells, slide), so a citation's
 * character offsets can name the page the user should open.
 */
import type { DocumentFormat } from '../../../schemas/index.js';

export interface Region {
  /** Offsets into {@link ParsedDocument.markdown}: `markdown.slice(start, end)` is this region's text. */
  start: number;
  end: number;
  /** 1-based PDF page. */
  page?: number;
  /** Worksheet name (XLSX). */
  sheet?: string;
  /** A1-style cell range, e.g. `A1:D20` (XLSX, CSV). */
  cells?: string;
  /** 1-based slide number, in presentation order (PPTX). */
  slide?: number;
}

export interface ParsedDocument {
  format: DocumentFormat;
  /** Normalized Markdown (NFC, LF): headings as #, lists, tables as GFM pipe tables. Offsets below and all citations point into it. */
  markdown: string;
  /** Where each stretch of the Markdown came from: PDF pages, sheet + cell range, slide numbers. Sorted, non-overlapping. */
  regions: Region[];
  pageCount?: number;
  title?: string;
  /** Things the user should know: "page 4 has no text layer; OCR found 120 words" / "OCR is not installed". */
  warnings: string[];
}

export interface ParseInput {
  name: string;
  bytes: Uint8Array;
  password?: string;
}

/** Where OCR finds its language data; `false` turns OCR off. */
export interface OcrOptions {
  /**
   * Folders searched for `<lang>.traineddata` (or `.traineddata.gz`). The English data shipped in
   * node_modules and the system's tesseract folders are searched after these.
   */
  tessdataDirs?: string[];
  /** Languages to read, in tesseract's codes; those without data are skipped with a warning. Default: eng, rus. */
  languages?: string[];
}

export interface ParseContext {
  signal?: AbortSignal;
  /** 0..1 over this file's parse. */
  onProgress?: (fraction: number) => void;
  /** OCR for pages without a text layer: on (with defaults) unless `false`. */
  ocr?: OcrOptions | false;
}

export type Parser = (input: ParseInput, ctx: ParseContext) => Promise<ParsedDocument>;
