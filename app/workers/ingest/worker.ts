/**
 * The ingest worker: reads documents off the main thread (`parse`; a large PDF in slices across workers:
 * `scanPdf`, then `composePdf`), so a 500-page PDF or a scan being OCR'd never stalls the UI, and a parser
 * that crashes takes down only this thread. Options for OCR come in `workerData`.
 */
import { workerData } from 'node:worker_threads';
import { z } from 'zod';
import {
  composePdfDocument,
  parseDocument,
  preferSynchronousInflate,
  scanPdfPages,
  type OcrOptions,
  type ParseContext,
  type ParsedDocument,
  type ParseInput,
  type PdfScan,
  ComposePdfParams,
  ParseParams,
  ScanPdfParams,
} from '../../core/parsers/index.js';
import { parseParams, serveWorker } from '../runtime.js';

/** What the pool passes as `workerData`. */
const IngestWorkerData = z.object({
  ocr: z.union([z.literal(false), z.object({ tessdataDirs: z.array(z.string()).optional(), languages: z.array(z.string()).optional() })]).optional(),
});

preferSynchronousInflate(); // this thread only parses documents: see the function's note

const options = IngestWorkerData.parse(workerData ?? {});
const ocr: OcrOptions | false | undefined = options.ocr;

/** Progress is sent at most this often (and at the end): a page-by-page stream of a 2,000-page PDF is noise. */
const progressIntervalMs = 100;

serveWorker({
  async parse(raw, { signal, emit }): Promise<ParsedDocument> {
    const { name, bytes, password } = parseParams(ParseParams, raw, 'ingest.parse');
    return parseDocument(fileInput(name, bytes, password), context(signal, emit));
  },

  async scanPdf(raw, { signal, emit }): Promise<PdfScan> {
    const { name, bytes, password, slice } = parseParams(ScanPdfParams, raw, 'ingest.scanPdf');
    return scanPdfPages(fileInput(name, bytes, password), slice, context(signal, emit));
  },

  async composePdf(raw, { signal, emit }): Promise<ParsedDocument> {
    const { name, bytes, password, scans } = parseParams(ComposePdfParams, raw, 'ingest.composePdf');
    return composePdfDocument(fileInput(name, bytes, password), scans, context(signal, emit));
  },
});


function fileInput(name: string, bytes: Uint8Array | ArrayBuffer, password: string | undefined): ParseInput {
  return { name, bytes: bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes), ...(password !== undefined ? { password } : {}) };
}

/** Progress is sent at most every `progressIntervalMs` (and at the end). */
function context(signal: AbortSignal, emit: (event: unknown) => void): ParseContext {
  let lastSent = 0;
  return {
    signal,
    ...(ocr !== undefined ? { ocr } : {}),
    onProgress: (fraction) => {
      const now = Date.now();
      if (fraction < 1 && now - lastSent < progressIntervalMs) return;
      lastSent = now;
      emit({ fraction });
    },
  };
}
