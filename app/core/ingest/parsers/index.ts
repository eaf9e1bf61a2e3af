/** Document parsers: any supported file → normalized Markdown with regions (page, sheet and cells, slide) and warnings. */
export { composePdfDocument, formatOfFile, parseDocument, scanPdfPages, supportedExtensions } from './parse-document.js';
export type { PdfScan, PdfSlice } from './pdf/pdf.js';
export { decodeTextBytes, type DecodedText } from './encoding.js';
export { shutdownOcr } from './pdf/ocr.js';
export { preferSynchronousInflate } from './pdf/pdfjs.js';
export type { OcrOptions, ParseContext, ParsedDocument, ParseInput, Parser, Region } from './types.js';
