/**
 * Draws one PDF page with PDF.js onto a canvas and says where its text items are, so the panel can lay
 * highlights over the words of a cited passage. Loaded on demand: PDF.js is large and only PDF citations need it.
 */
import { GlobalWorkerOptions, Util, getDocument, type PDFDocumentLoadingTask, type PDFDocumentProxy } from 'pdfjs-dist';
import type { TextItem } from 'pdfjs-dist/types/src/display/api.js';

/** A run of text on the drawn page, in CSS pixels from its top-left corner. */
export interface PageTextItem {
  text: string;
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface DrawnPage {
  width: number;
  height: number;
  items: PageTextItem[];
}

let worker: Worker | undefined;

/** Opens a PDF from its bytes; the caller destroys the task when done with the document. */
export function openPdf(bytes: Uint8Array): PDFDocumentLoadingTask {
  // One worker for every document the panel opens; PDF.js multiplexes documents over its port.
  worker ??= new Worker(new URL('./pdf-worker.ts', import.meta.url), { type: 'module' });
  GlobalWorkerOptions.workerPort = worker;
  // PDF.js transfers the buffer to its worker, so it gets a copy and the cached bytes stay usable.
  return getDocument({ data: bytes.slice(), isEvalSupported: false, verbosity: 0 });
}

/** Draws page `pageNumber` (1-based) `cssWidth` pixels wide, sharp on high-density screens. */
export async function drawPage(pdf: PDFDocumentProxy, pageNumber: number, canvas: HTMLCanvasElement, cssWidth: number): Promise<DrawnPage> {
  const page = await pdf.getPage(pageNumber);
  const scale = cssWidth / page.getViewport({ scale: 1 }).width;
  const viewport = page.getViewport({ scale });
  const density = window.devicePixelRatio || 1;
  canvas.width = Math.floor(viewport.width * density);
  canvas.height = Math.floor(viewport.height * density);
  canvas.style.width = `${viewport.width}px`;
  canvas.style.height = `${viewport.height}px`;
  await page.render({ canvas, viewport, transform: density === 1 ? undefined : [density, 0, 0, density, 0, 0] }).promise;

  const content = await page.getTextContent();
  const items: PageTextItem[] = [];
  for (const item of content.items) {
    if (!('str' in item) || item.str.trim() === '') continue;
    items.push(placeItem(item, viewport.transform, scale));
  }
  return { width: viewport.width, height: viewport.height, items };
}

function placeItem(item: TextItem, viewportTransform: number[], scale: number): PageTextItem {
  const [, , c, d, x, y] = Util.transform(viewportTransform, item.transform) as number[];
  const height = Math.hypot(c!, d!);
  return { text: item.str, left: x!, top: y! - height, width: item.width * scale, height: height * 1.2 };
}
