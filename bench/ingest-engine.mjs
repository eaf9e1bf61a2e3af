/**
 * One PDF extractor in a thread of its own, for bench/ingest.ts: each engine runs in a fresh thread, as its
 * users run it, so neither sees the other's changes to the thread (pdf.js's bundled polyfills) or its
 * leftovers. Plain JavaScript on purpose: under tsx's loader hooks every dynamic import and stack trace
 * costs more, and Hearth's ingest worker runs compiled code (`npm run bench:ingest` builds it first).
 * Answers each message with the texts it extracted and the time it took.
 */
import { parentPort, workerData } from 'node:worker_threads';

/** @type {{ engine: 'pdf-parse' | 'hearth', files: { name: string, bytes: Uint8Array }[] }} */
const { engine, files } = workerData;

/** @type {(file: { name: string, bytes: Uint8Array }) => Promise<string>} */
let extract;
if (engine === 'pdf-parse') {
  const { PDFParse } = await import('pdf-parse');
  extract = async (file) => {
    const parser = new PDFParse({ data: new Uint8Array(file.bytes) });
    try {
      return (await parser.getText()).text;
    } finally {
      await parser.destroy();
    }
  };
} else {
  const parsers = await import(new URL('../dist/app/core/ingest/parsers/index.js', import.meta.url).href);
  // Hearth's ingest worker has pdf.js inflate synchronously (see pdfjs.ts); pdf-parse's pdf.js 5.4 does so anyway.
  parsers.preferSynchronousInflate();
  extract = async (file) => (await parsers.parseDocument(file, { ocr: false })).markdown;
}

parentPort.on('message', async () => {
  const startCpu = process.cpuUsage();
  const start = performance.now();
  const texts = [];
  for (const file of files) texts.push(await extract(file));
  const wall = performance.now() - start;
  const used = process.cpuUsage(startCpu);
  parentPort.postMessage({ texts, wall, cpu: (used.user + used.system) / 1000 });
});
