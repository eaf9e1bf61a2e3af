/**
 * One PDF extractor in a thread of its own, for bench/ingest.ts: each engine runs in a fresh thread, as its
 * users run it, so neither sees the other's changes to the thread (pdf.js's bundled polyfills) or its
 * leftovers. Answers each `round` message with the texts it extracted and the time it took.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { PDFParse } from 'pdf-parse';
import type * as Parsers from '../app/core/ingest/parsers/index.js';

interface EngineData {
  engine: 'pdf-parse' | 'hearth';
  files: { name: string; bytes: Uint8Array }[];
}

const { engine, files } = workerData as EngineData;
// Hearth's parser as its ingest worker runs it: the compiled build (`npm run bench:ingest` builds it first).
const { parseDocument, preferSynchronousInflate } = (await import(new URL('../dist/app/core/ingest/parsers/index.js', import.meta.url).href)) as typeof Parsers;

const extract =
  engine === 'pdf-parse'
    ? async (file: { bytes: Uint8Array }) => {
        const parser = new PDFParse({ data: new Uint8Array(file.bytes) });
        try {
          return (await parser.getText()).text;
        } finally {
          await parser.destroy();
        }
      }
    : async (file: { name: string; bytes: Uint8Array }) => (await parseDocument(file, { ocr: false })).markdown;

// Hearth's ingest worker has pdf.js inflate synchronously (see pdfjs.ts); pdf-parse's pdf.js 5.4 does so anyway.
if (engine === 'hearth') preferSynchronousInflate();

parentPort!.on('message', async () => {
  const startCpu = process.cpuUsage();
  const start = performance.now();
  const texts: string[] = [];
  for (const file of files) texts.push(await extract(file));
  const wall = performance.now() - start;
  const used = process.cpuUsage(startCpu);
  parentPort!.postMessage({ texts, wall, cpu: (used.user + used.system) / 1000 });
});
