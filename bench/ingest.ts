/**
 * PDF extraction speed and structure: Hearth's PDF parser against pdf-parse on the same files, after a
 * warm-up pass; the median of several timed passes. Three ways of reading: in this thread (like for like
 * with pdf-parse, also per CPU-second), through Hearth's ingest worker pool with 1 and with N workers
 * (a large PDF is read by all idle workers at once), and the whole ingest pipeline (parse, chunk, embed
 * with the built-in embedder, store in SQLite, LanceDB and the keyword index). Prints figures only.
 *
 *   npm run bench:ingest -- [folder-of-pdfs] [--runs N] [--workers N]
 *
 * Without a folder it generates a set of multi-page PDFs (headings, paragraphs, lists, tables;
 * English and Russian) with the test fixtures' builder. Workers default to the machine's cores.
 */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { PDFParse } from 'pdf-parse';
import { createHearth, jobResult } from '../app/core/index.js';
import { ParsePool } from '../app/core/parsers/index.js';
import { buildPdf, type PdfBlock } from '../tests/fixtures/documents/pdf.js';

interface PdfFile {
  name: string;
  bytes: Uint8Array;
  pages: number;
}

const args = process.argv.slice(2);
const runsFlag = args.indexOf('--runs');
const runs = runsFlag >= 0 ? Number(args[runsFlag + 1]) : 9;
const workersFlag = args.indexOf('--workers');
const workers = workersFlag >= 0 ? Number(args[workersFlag + 1]) : os.availableParallelism();
const folder = args.find((arg, i) => !arg.startsWith('--') && (runsFlag < 0 || i !== runsFlag + 1) && (workersFlag < 0 || i !== workersFlag + 1));

const files = folder ? await readFolder(folder) : await generate();
const totalPages = files.reduce((sum, file) => sum + file.pages, 0);
console.log(`${files.length} PDFs, ${totalPages} pages, ${(files.reduce((s, f) => s + f.bytes.length, 0) / 1e6).toFixed(1)} MB; median of ${runs} timed rounds after two warm-up passes`);

// Each in-thread engine runs in a fresh thread of its own (bench/ingest-engine.mjs), as its users run it.
const engineThread = (engine: 'pdf-parse' | 'hearth') => {
  // No tsx in the thread (this process runs under it): the engines are plain JavaScript.
  const worker = new Worker(new URL('./ingest-engine.mjs', import.meta.url), { workerData: { engine, files }, execArgv: [] });
  const round = async (): Promise<{ texts: string[]; wall: number; cpu: number }> => {
    const answer = new Promise<{ texts: string[]; wall: number; cpu: number }>((resolve, reject) => {
      worker.once('error', reject);
      worker.once('message', (result: { texts: string[]; wall: number; cpu: number }) => {
        worker.off('error', reject);
        resolve(result);
      });
    });
    worker.postMessage('round');
    return answer;
  };
  return { round, stop: () => worker.terminate() };
};
const threads = [engineThread('pdf-parse'), engineThread('hearth')];
// The pools' workers run the compiled build without tsx's loader, as the product's do.
const onePool = new ParsePool({ size: 1, ocr: false, workerExecArgv: [] });
// Every PDF read in slices by all the workers, whatever its size (the product slices from 1 MB up, on 3+ idle workers).
const manyPool = new ParsePool({ size: workers, ocr: false, splitPdfBytes: 1, splitPdfWorkers: 2, workerExecArgv: [] });
/** What the main thread times itself: the pools (their worker threads are in this process's CPU time). */
const timed = (extract: (file: PdfFile) => Promise<string>) => async () => {
  const startCpu = process.cpuUsage();
  const start = performance.now();
  const texts: string[] = [];
  for (const file of files) texts.push(await extract(file));
  const used = process.cpuUsage(startCpu);
  return { texts, wall: performance.now() - start, cpu: (used.user + used.system) / 1000 };
};
const engines: Record<string, () => Promise<{ texts: string[]; wall: number; cpu: number }>> = {
  'pdf-parse': threads[0]!.round,
  hearth: threads[1]!.round,
  'hearth-pool-1': timed(async (file) => (await onePool.parse({ name: file.name, bytes: file.bytes })).markdown),
  [`hearth-pool-${workers}-sliced`]: timed(async (file) => (await manyPool.parse({ name: file.name, bytes: file.bytes })).markdown),
};

const outputs = new Map<string, string[]>();
const wall = new Map<string, number[]>();
const cpu = new Map<string, number[]>();
for (const [engine, round] of Object.entries(engines)) {
  outputs.set(engine, (await round()).texts); // the first pass: warm-up, and the text compared below
  await round();
  wall.set(engine, []);
  cpu.set(engine, []);
}
// Rounds alternate the engines' order, so neither always runs right after the other. CPU time is reported
// beside wall time: on a shared machine it is the steadier of the two.
for (let run = 0; run < runs; run++) {
  const order = Object.entries(engines);
  if (run % 2 === 1) order.reverse();
  for (const [engine, round] of order) {
    const result = await round();
    wall.get(engine)!.push(result.wall);
    cpu.get(engine)!.push(result.cpu);
  }
}
const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)]!;

await onePool.dispose();
await manyPool.dispose();
for (const thread of threads) await thread.stop();

// CPU time is this process's: the pool's worker threads are in it, so pages per CPU-second stay comparable.
console.log('');
console.log('engine                  wall ms (median)   pages/s   × pdf-parse   cpu ms (median)   pages/cpu-s   × pdf-parse');
const baseWall = median(wall.get('pdf-parse')!);
const baseCpu = median(cpu.get('pdf-parse')!);
for (const engine of Object.keys(engines)) {
  const w = median(wall.get(engine)!);
  const c = median(cpu.get(engine)!);
  console.log(
    `${engine.padEnd(23)} ${w.toFixed(0).padStart(16)} ${((totalPages / w) * 1000).toFixed(1).padStart(9)} ${(baseWall / w).toFixed(2).padStart(13)} ${c.toFixed(0).padStart(17)} ${((totalPages / c) * 1000).toFixed(1).padStart(13)} ${(baseCpu / c).toFixed(2).padStart(13)}`,
  );
}

// The whole pipeline, as `hearth ingest` runs it: default settings but the parse workers, no models installed
// (under tsx here, which the parse workers inherit: a little slower than the product).
console.log('');
console.log('whole pipeline (parse in the pool, chunk, embed with the built-in embedder, SQLite + LanceDB + keyword index)');
for (const size of [...new Set([1, workers])]) {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'hearth-bench-ingest-'));
  const emptyLibrary = await mkdtemp(path.join(os.tmpdir(), 'hearth-bench-models-'));
  try {
    const hearth = await createHearth({ dataDir, modelLibrary: emptyLibrary, parseWorkers: size });
    const times: number[] = [];
    for (let round = 0; round < 5; round++) {
      const space = hearth.spaces.create(`bench ${round}`);
      const start = performance.now();
      for (const file of files) {
        const job = await hearth.call('documents.ingest', { spaceId: space.id, source: { kind: 'bytes', name: file.name, base64: Buffer.from(file.bytes).toString('base64') } });
        const watch = hearth.stream('jobs.watch', { jobId: job.id });
        let step = await watch.next();
        while (!step.done) step = await watch.next();
        const { status } = jobResult(step.value, 'ingest');
        if (status !== 'indexed') throw new Error(`${file.name}: ${status}`);
      }
      times.push(performance.now() - start);
    }
    await hearth.dispose();
    const w = median(times);
    console.log(`  ${size} parse worker${size === 1 ? ' ' : 's'}: ${w.toFixed(0)} ms for ${totalPages} pages = ${((totalPages / w) * 1000).toFixed(1)} pages/s (median of 5 rounds; the first starts the workers)`);
  } finally {
    await rm(dataDir, { recursive: true, force: true });
    await rm(emptyLibrary, { recursive: true, force: true });
  }
}

console.log('');
console.log('file                         pages | hearth: words  h1  h2  h3  list-items  table-rows | pdf-parse: words  lines');
files.forEach((file, i) => {
  const hearth = structure(outputs.get('hearth')![i]!);
  const plain = outputs.get('pdf-parse')![i]!;
  const plainWords = (plain.match(/[\p{L}\p{N}]+/gu) ?? []).length;
  console.log(
    `${file.name.slice(0, 28).padEnd(28)} ${String(file.pages).padStart(5)} | ${String(hearth.words).padStart(13)} ${String(hearth.h1).padStart(3)} ${String(hearth.h2).padStart(3)} ${String(hearth.h3).padStart(3)} ${String(hearth.listItems).padStart(11)} ${String(hearth.tableRows).padStart(11)} | ${String(plainWords).padStart(16)} ${String(plain.split('\n').length).padStart(6)}`,
  );
});

function structure(markdown: string) {
  const count = (pattern: RegExp) => (markdown.match(pattern) ?? []).length;
  return {
    // Words of the text only: Markdown syntax and table rules are not words of the document.
    words: (markdown.replace(/^\|( --- \|)+$/gm, '').replace(/^#+ /gm, '').match(/[\p{L}\p{N}]+/gu) ?? []).length,
    h1: count(/^# /gm),
    h2: count(/^## /gm),
    h3: count(/^### /gm),
    listItems: count(/^\s*(- |\d+\. )/gm),
    tableRows: count(/^\|(?! --- )/gm),
  };
}

async function readFolder(dir: string): Promise<PdfFile[]> {
  const names = (await readdir(dir)).filter((name) => name.toLowerCase().endsWith('.pdf')).sort();
  const out: PdfFile[] = [];
  for (const name of names) {
    const bytes = new Uint8Array(await readFile(path.join(dir, name)));
    const probe = new PDFParse({ data: new Uint8Array(bytes) });
    try {
      out.push({ name, bytes, pages: (await probe.getInfo()).total });
    } finally {
      await probe.destroy();
    }
  }
  return out;
}

async function generate(): Promise<PdfFile[]> {
  const english =
    'The supplier delivers the goods to the warehouse named in the order within ten working days. Delays are reported in writing, ' +
    'and each day of delay beyond the agreed date reduces the price by half a percent, up to ten percent of the order value.';
  const russian =
    'Поставщик доставляет товар на склад, указанный в заказе, в течение десяти рабочих дней. О задержках сообщается письменно, ' +
    'а каждый день просрочки сверх согласованного срока уменьшает цену на полпроцента, но не более чем на десять процентов.';
  const chapter = (n: number, body: string, lang: 'en' | 'ru'): PdfBlock[] => [
    { heading: lang === 'en' ? `Section ${n}` : `Раздел ${n}`, size: 16 },
    { paragraph: body },
    { paragraph: body.split('. ').reverse().join('. ') },
    { list: lang === 'en' ? ['Check the delivery note', 'Sign the acceptance form', 'File the invoice'] : ['Проверить накладную', 'Подписать акт', 'Передать счёт'] },
    { table: [lang === 'en' ? ['Item', 'Qty', 'Price'] : ['Позиция', 'Кол-во', 'Цена'], ['A-100', '12', '1 200'], ['B-220', '3', '450']] },
    { paragraph: body },
  ];
  const specs: { name: string; pages: number; lang: 'en' | 'ru' }[] = [
    { name: 'contract-en-60p.pdf', pages: 60, lang: 'en' },
    { name: 'contract-ru-60p.pdf', pages: 60, lang: 'ru' },
    { name: 'handbook-en-120p.pdf', pages: 120, lang: 'en' },
  ];
  const out: PdfFile[] = [];
  for (const spec of specs) {
    const pages = Array.from({ length: spec.pages }, (_, i) => [
      ...(i === 0 ? [{ heading: spec.lang === 'en' ? 'Supply agreement' : 'Договор поставки', size: 24 } as PdfBlock] : []),
      ...chapter(i + 1, spec.lang === 'en' ? english : russian, spec.lang),
    ]);
    out.push({ name: spec.name, bytes: await buildPdf({ pages, pageNumbers: true, runningHeader: 'Hearth bench' }), pages: spec.pages });
  }
  return out;
}
