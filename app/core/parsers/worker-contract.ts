/**
 * The ingest worker's contract (app/workers/ingest answers these methods), checked with zod on both sides:
 * `parse` reads a whole file; a large PDF is read by several workers at once, each `scanPdf`-ing a slice of
 * its pages, and one of them `composePdf`-ing the slices into the document.
 */
import { z } from 'zod';
import { DocumentFormat } from '../../../schemas/index.js';

export const ingestWorkerName = 'ingest';

const FileParams = z.object({
  name: z.string().min(1),
  bytes: z.union([z.instanceof(Uint8Array), z.instanceof(ArrayBuffer)]),
  password: z.string().optional(),
});

export const ParseParams = FileParams;

export const PdfSliceParams = z.object({ index: z.number().int().nonnegative(), count: z.number().int().positive() }).refine((slice) => slice.index < slice.count, {
  message: 'the slice index must be below the slice count',
});

export const ScanPdfParams = FileParams.extend({ slice: PdfSliceParams });

const finite = z.number().finite();

/** What `scanPdf` answers: the text layer of a slice of pages, laid out in lines. */
export const PdfScanResult = z.object({
  pageCount: z.number().int().nonnegative(),
  pages: z.array(
    z.object({
      number: z.number().int().positive(),
      height: finite,
      lines: z.array(
        z.object({
          y: finite,
          x: finite,
          xEnd: finite,
          size: finite,
          segments: z.array(z.object({ x: finite, xEnd: finite, text: z.string() })),
          text: z.string(),
        }),
      ),
    }),
  ),
  withoutText: z.array(z.number().int().positive()),
  unreadable: z.array(z.number().int().positive()),
  title: z.string().optional(),
});

export const ComposePdfParams = FileParams.extend({ scans: z.array(PdfScanResult).min(1) });

/** What `parse` and `composePdf` answer. */
export const ParsedDocumentResult = z.object({
  format: DocumentFormat,
  markdown: z.string(),
  regions: z.array(
    z.object({
      start: z.number().int().nonnegative(),
      end: z.number().int().nonnegative(),
      page: z.number().int().positive().optional(),
      sheet: z.string().optional(),
      cells: z.string().optional(),
      slide: z.number().int().positive().optional(),
    }),
  ),
  pageCount: z.number().int().nonnegative().optional(),
  title: z.string().optional(),
  warnings: z.array(z.string()),
});
