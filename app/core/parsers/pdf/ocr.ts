/**
 * OCR for PDF pages without a text layer: the page is rendered by pdf.js onto a canvas
 * (@napi-rs/canvas, which pdf.js uses in Node) and read by tesseract.js. Everything is local: the
 * tesseract worker script and its WebAssembly core come from node_modules, and language data from
 * `@tesseract.js-data/eng` or a tessdata folder (Debian's tesseract-ocr-rus, or one the user names) —
 * tesseract.js is never given a URL, so it cannot fall back to its CDN.
 */
import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, rm, symlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type { OcrOptions } from '../types.js';
import type { PdfDocument, PdfPage } from './pdfjs.js';

// Not named `require`: the Electron bundle declares its own `require` shim in the same chunk.
const packageRequire = createRequire(import.meta.url);

export interface OcrText {
  text: string;
  words: number;
  /** Tesseract's mean word confidence, 0–100. */
  confidence: number;
}

export interface OcrEngine {
  languages: string[];
  /** Languages asked for whose data was not found. */
  missing: string[];
  recognize(png: Uint8Array): Promise<OcrText>;
}

export type OcrAvailability = { engine: OcrEngine } | { unavailable: string };

const defaultLanguages = ['eng', 'rus'];
/** Where Debian, Fedora and Homebrew put tesseract's language data. */
const systemTessdata = [
  '/usr/share/tesseract-ocr/5/tessdata',
  '/usr/share/tesseract-ocr/4.00/tessdata',
  '/usr/share/tessdata',
  '/usr/local/share/tessdata',
  '/opt/homebrew/share/tessdata',
];
/** Rendering resolution: enough for tesseract's LSTM models, bounded so a poster-sized page cannot exhaust memory. */
const renderDpi = 200;
const maxRenderPixels = 25_000_000;

interface RunningEngine {
  key: string;
  engine: Promise<OcrAvailability>;
  stop(): Promise<void>;
}

let running: RunningEngine | undefined;
let idleTimer: NodeJS.Timeout | undefined;
/** An idle OCR worker is stopped after this long; the next scanned page starts it again (about half a second). */
const idleMs = 60_000;

/** The shared OCR engine for these options, started on first use. */
export function ocrEngine(options: OcrOptions = {}): Promise<OcrAvailability> {
  const languages = options.languages ?? defaultLanguages;
  const found = languages.map((language) => ({ language, file: findLanguageData(language, options.tessdataDirs ?? []) }));
  const key = JSON.stringify(found);
  if (running?.key !== key) {
    const previous = running;
    running = start(key, found);
    void previous?.stop();
  }
  return running.engine;
}

/** Stops the OCR worker and removes its staging folder (also done after a minute of idleness). */
export async function shutdownOcr(): Promise<void> {
  clearTimeout(idleTimer);
  const current = running;
  running = undefined;
  await current?.stop();
}

function start(key: string, found: { language: string; file: string | undefined }[]): RunningEngine {
  const available = found.filter((entry): entry is { language: string; file: string } => entry.file !== undefined);
  const missing = found.filter((entry) => entry.file === undefined).map((entry) => entry.language);
  let stopWorker: () => Promise<void> = async () => {};
  const engine = (async (): Promise<OcrAvailability> => {
    if (available.length === 0) {
      return { unavailable: `no OCR language data was found for ${missing.join(', ')} (Hearth looks in node_modules/@tesseract.js-data and the system's tessdata folders)` };
    }
    let tesseract: typeof import('tesseract.js');
    try {
      tesseract = (await import('tesseract.js')).default as unknown as typeof import('tesseract.js');
    } catch (error) {
      return { unavailable: `OCR is not installed (tesseract.js cannot be loaded: ${(error as Error).message})` };
    }
    // tesseract.js reads `<cachePath>/<lang>.traineddata` (gzipped or not): a private folder of links to the
    // files found gives it exactly these, whatever their names and folders.
    const stage = await mkdtemp(path.join(os.tmpdir(), 'hearth-tessdata-'));
    for (const { language, file } of available) {
      const target = path.join(stage, `${language}.traineddata`);
      await symlink(file, target).catch(() => copyFile(file, target));
    }
    try {
      const worker = await tesseract.createWorker(available.map((entry) => entry.language), tesseract.OEM.LSTM_ONLY, {
        langPath: stage,
        cachePath: stage,
        cacheMethod: 'readOnly',
        gzip: false,
        logger: () => {},
        errorHandler: () => {},
      });
      stopWorker = async () => {
        await worker.terminate().catch(() => undefined); // already stopped or crashed: nothing left to release
        await rm(stage, { recursive: true, force: true });
      };
      return {
        engine: {
          languages: available.map((entry) => entry.language),
          missing,
          async recognize(png) {
            clearTimeout(idleTimer);
            try {
              const { data } = await worker.recognize(Buffer.from(png.buffer, png.byteOffset, png.byteLength));
              return { text: data.text, words: (data.text.match(/[\p{L}\p{N}]+/gu) ?? []).length, confidence: data.confidence };
            } finally {
              idleTimer = setTimeout(() => void shutdownOcr(), idleMs);
              idleTimer.unref();
            }
          },
        },
      };
    } catch (error) {
      await rm(stage, { recursive: true, force: true });
      return { unavailable: `OCR could not start (${error instanceof Error ? error.message : String(error)})` };
    }
  })();
  const stop = async () => {
    await engine; // never rejects: failures are reported as `unavailable`
    await stopWorker();
  };
  return { key, engine, stop };
}

/** A language's traineddata: the folders the user named, then the npm data package, then the system's. */
function findLanguageData(language: string, extraDirs: readonly string[]): string | undefined {
  const dirs = [...extraDirs];
  if (process.env.HEARTH_TESSDATA) dirs.push(...process.env.HEARTH_TESSDATA.split(path.delimiter));
  try {
    const packageRoot = path.dirname(packageRequire.resolve(`@tesseract.js-data/${language}/package.json`));
    dirs.push(path.join(packageRoot, '4.0.0_best_int'), path.join(packageRoot, '4.0.0'));
  } catch {
    // no npm data package for this language (there is none for Russian): the system folders may have it
  }
  dirs.push(...systemTessdata);
  for (const dir of dirs) {
    for (const name of [`${language}.traineddata`, `${language}.traineddata.gz`]) {
      const file = path.join(dir, name);
      if (existsSync(file)) return file;
    }
  }
  return undefined;
}

interface NodeCanvas {
  toBuffer(mime: 'image/png'): Uint8Array;
}

interface CanvasFactory {
  create(width: number, height: number): { canvas: NodeCanvas; context: unknown };
  destroy(canvasAndContext: { canvas: NodeCanvas; context: unknown }): void;
}

/** The page as a PNG at {@link renderDpi}, white background, drawn by pdf.js. */
export async function renderPage(pdf: PdfDocument, page: PdfPage): Promise<Uint8Array> {
  const base = page.getViewport({ scale: 1 });
  const scale = Math.min(renderDpi / 72, Math.sqrt(maxRenderPixels / (base.width * base.height)));
  const viewport = page.getViewport({ scale });
  // pdf.js creates its canvases with @napi-rs/canvas in Node; using its factory keeps that choice in one place.
  const factory = pdf.canvasFactory as CanvasFactory;
  const target = factory.create(Math.ceil(viewport.width), Math.ceil(viewport.height));
  try {
    await page.render({ canvas: target.canvas as never, canvasContext: target.context as never, viewport, background: 'white' }).promise;
    return target.canvas.toBuffer('image/png');
  } finally {
    factory.destroy(target);
  }
}
