/**
 * Document parsers: any supported file → normalized Markdown with regions (page, sheet and cells, slide) and
 * warnings, in-thread or in the pool of ingest worker threads (ParsePool; worker-contract.ts is what they exchange).
 */
export { composePdfDocument, parseDocument, scanPdfPages } from './parse-document.js';
export { formatOfFile, supportedExtensions } from './formats.js';
export type { PdfScan, PdfSlice } from './pdf/pdf.js';
export { decodeTextBytes, type DecodedText } from './encoding.js';
export { shutdownOcr } from './pdf/ocr.js';
export { preferSynchronousInflate } from './pdf/pdfjs.js';
export type { OcrOptions, ParseContext, ParsedDocument, ParseInput, Parser, Region } from './types.js';
export { decodeTextFile, normalizeText } from './decode.js';
export { ParsePool, defaultParsePoolSize, type ParseOptions, type ParsePoolOptions } from './parse-pool.js';
export * from './worker-contract.js';
