/**
 * pdf.js for Node, set up once per thread: the legacy build, its "worker" run in this thread (we are
 * already in a parse worker), no eval, no system or remote fonts, and every data file — standard font
 * programs, CMaps, image decoders — read from the installed package folder, never from a URL.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Pdfjs from 'pdfjs-dist/legacy/build/pdf.mjs';

export type PdfjsLib = typeof Pdfjs;
export type PdfDocument = Pdfjs.PDFDocumentProxy;
export type PdfPage = Pdfjs.PDFPageProxy;

// Not named `require`: the Electron bundle declares its own `require` shim in the same chunk.
const packageRequire = createRequire(import.meta.url);
let loading: Promise<PdfjsLib> | undefined;
/** Our pdf.js's worker-side handler (what its worker module puts on `globalThis.pdfjsWorker`). */
let ownHandler: unknown;

export function loadPdfjs(): Promise<PdfjsLib> {
  loading ??= (async () => {
    // In Node pdf.js runs its "worker" in this thread: it takes the handler from `globalThis.pdfjsWorker`, or
    // imports `workerSrc`, on first use and keeps it. Loading the worker module ourselves (by file, which also
    // survives bundling) and pinning its handler means another copy of pdf.js in the same thread (pdf-parse
    // in the bench brings 5.4) can never hand ours a worker of a different version, nor ours it.
    const workerUrl = pathToFileURL(packageRequire.resolve('pdfjs-dist/legacy/build/pdf.worker.mjs')).href;
    const globals = globalThis as { pdfjsWorker?: unknown };
    const previous = globals.pdfjsWorker;
    const builtins = engineBuiltins();
    await import(workerUrl);
    ownHandler = globals.pdfjsWorker;
    restore(previous);
    const lib = (await import('pdfjs-dist/legacy/build/pdf.mjs')) as PdfjsLib;
    builtins.putBack();
    lib.GlobalWorkerOptions.workerSrc = workerUrl;
    return lib;
  })();
  return loading;
}

/**
 * pdf.js's legacy build (the one for Node) bundles core-js, which on Node 20's V8 replaces, for the whole
 * thread, some built-ins with JavaScript versions that fix edge cases of newer specs: `Array.prototype.push`
 * (arrays past 2³²−1 elements or with a read-only length), `JSON.parse` (source text access),
 * `JSON.stringify` (raw JSON) and `Function.prototype.toString`. pdf.js relies on none of those cases, and
 * the JavaScript `push` alone cost ~10% of reading a text PDF, pdf.js's own pushes and everyone else's in
 * the thread (bench/ingest.ts). The engine's own are taken before pdf.js loads and put back after; the
 * built-ins core-js adds (Promise.withResolvers, Uint8Array.fromBase64…) stay, as pdf.js needs them.
 */
function engineBuiltins(): { putBack(): void } {
  const push = Array.prototype.push;
  const { parse, stringify } = JSON;
  const toString = Function.prototype.toString;
  return {
    putBack() {
      Array.prototype.push = push;
      JSON.parse = parse;
      JSON.stringify = stringify;
      Function.prototype.toString = toString;
    },
  };
}

/**
 * Makes pdf.js inflate streams with its own synchronous decoder. pdf.js 5.6 sends every compressed stream
 * (each page's content, each font) through `DecompressionStream` when the global exists — in Node, web
 * streams over zlib's thread pool — and for the many small streams of a PDF that costs more than it saves
 * (about 15% of a text-only read in bench/ingest.ts). Without the global, pdf.js takes its documented
 * fallback. This changes the whole thread, so only a thread that does nothing else calls it: the ingest
 * worker does; the in-process parser leaves the global alone.
 */
export function preferSynchronousInflate(): void {
  delete (globalThis as { DecompressionStream?: unknown }).DecompressionStream;
}

/** Folders of pdf.js's data files, with the trailing slash pdf.js expects (it appends file names). */
export function pdfjsDataFolders(): { standardFontDataUrl: string; cMapUrl: string; wasmUrl: string; iccUrl: string } {
  const root = path.dirname(packageRequire.resolve('pdfjs-dist/package.json'));
  const folder = (name: string) => path.join(root, name) + path.sep;
  return { standardFontDataUrl: folder('standard_fonts'), cMapUrl: folder('cmaps'), wasmUrl: folder('wasm'), iccUrl: folder('iccs') };
}

export async function openPdf(
  lib: PdfjsLib,
  bytes: Uint8Array,
  password: string | undefined,
): Promise<PdfDocument> {
  const globals = globalThis as { pdfjsWorker?: unknown };
  const other = globals.pdfjsWorker;
  globals.pdfjsWorker = ownHandler;
  const task = lib.getDocument({
    // pdf.js takes ownership of (and may detach) the buffer it is given: give it a copy.
    data: new Uint8Array(bytes),
    ...(password !== undefined ? { password } : {}),
    ...pdfjsDataFolders(),
    cMapPacked: true,
    isEvalSupported: false,
    useSystemFonts: false,
    disableFontFace: true,
    useWorkerFetch: false,
    stopAtErrors: false,
    verbosity: lib.VerbosityLevel.ERRORS,
  });
  // getDocument has looked the handler up (synchronously, and only the first time): what was there goes back.
  restore(other);
  return task.promise;
}

/** Puts `globalThis.pdfjsWorker` back as it was, absent included, so other copies of pdf.js find their own. */
function restore(value: unknown): void {
  const globals = globalThis as { pdfjsWorker?: unknown };
  if (value === undefined) delete globals.pdfjsWorker;
  else globals.pdfjsWorker = value;
}
