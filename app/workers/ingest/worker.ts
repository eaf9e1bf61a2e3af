/**
 * The ingest worker: reads documents (`parse`) off the main thread, so a 500-page PDF or a scan being
 * OCR'd never stalls the UI, and a parser that crashes takes down only this thread. Options for OCR
 * come in `workerData`.
 */
import { workerData } from 'node:worker_threads';
import { z } from 'zod';
import { HearthError } from '../../../schemas/index.js';
import { parseDocument, preferSynchronousInflate, type OcrOptions, type ParsedDocument } from '../../core/ingest/parsers/index.js';
import { serveWorker } from '../runtime.js';

/** What the pool passes as `workerData`. */
const IngestWorkerData = z.object({
  ocr: z.union([z.literal(false), z.object({ tessdataDirs: z.array(z.string()).optional(), languages: z.array(z.string()).optional() })]).optional(),
});

const ParseParams = z.object({
  name: z.string().min(1),
  bytes: z.union([z.instanceof(Uint8Array), z.instanceof(ArrayBuffer)]),
  password: z.string().optional(),
});

preferSynchronousInflate(); // this thread only parses documents: see the function's note

const options = IngestWorkerData.parse(workerData ?? {});
const ocr: OcrOptions | false | undefined = options.ocr;

/** Progress is sent at most this often (and at the end): a page-by-page stream of a 2,000-page PDF is noise. */
const progressIntervalMs = 100;

serveWorker({
  async parse(raw, { signal, emit }): Promise<ParsedDocument> {
    const parsed = ParseParams.safeParse(raw);
    if (!parsed.success) throw new HearthError('BAD_REQUEST', `ingest.parse: ${parsed.error.message}`);
    const { name, bytes, password } = parsed.data;
    let lastSent = 0;
    return parseDocument(
      { name, bytes: bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes), ...(password !== undefined ? { password } : {}) },
      {
        signal,
        ...(ocr !== undefined ? { ocr } : {}),
        onProgress: (fraction) => {
          const now = Date.now();
          if (fraction < 1 && now - lastSent < progressIntervalMs) return;
          lastSent = now;
          emit({ fraction });
        },
      },
    );
  },
});
