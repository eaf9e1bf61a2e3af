/**
 * PDF extraction speed and structure: Hearth's PDF parser against pdf-parse on the same files, in the
 * same process, after a warm-up pass; the median of several timed passes. Prints figures only.
 *
 *   npx tsx bench/ingest.ts [folder-of-pdfs] [--runs N]
 *
 * Without a folder it generates a set of multi-page PDFs (headings, paragraphs, lists, tables;
 * English and Russian) with the test fixtures' builder.
 */
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { PDFParse } from 'pdf-parse';
import { parseDocument, preferSynchronousInflate } from '../app/core/ingest/parsers/index.js';
import { buildPdf, type PdfBlock } from '../tests/fixtures/documents/pdf.js';

interface PdfFile {
  name: string;
  bytes: Uint8Array;
  pages: number;
}

const args = process.argv.slice(2);
const runsFlag = args.indexOf('--runs');
const runs = runsFlag >= 0 ? Number(args[runsFlag + 1]) : 9;
const folder = args.find((arg, i) => !arg.startsWith('--') && (runsFlag < 0 || i !== runsFlag + 1));

const files = folder ? await readFolder(folder) : await generate();
const totalPages = files.reduce((sum, file) => sum + file.pages, 0);
console.log(`${files.length} PDFs, ${totalPages} pages, ${(files.reduce((s, f) => s + f.bytes.length, 0) / 1e6).toFixed(1)} MB; median of ${runs} timed rounds after two warm-up passes`);

// Hearth parses in its ingest worker, which sets pdf.js to inflate synchronously; the bench does the same
// for this process (pdf-parse's pdf.js 5.4 inflates text streams synchronously either way).
preferSynchronousInflate();

// pdf-parse brings its own pdf.js (5.4) beside Hearth's (5.6); Hearth keeps the two apart (see pdfjs.ts).
const engines: Record<string, (file: PdfFile) => Promise<string>> = {
  'pdf-parse': async (file) => {
    const parser = new PDFParse({ data: new Uint8Array(file.bytes) });
    try {
      return (await parser.getText()).text;
    } finally {
      await parser.destroy();
    }
  },
  hearth: async (file) => (await parseDocument({ name: file.name, bytes: file.bytes }, { ocr: false })).markdown,
};

const outputs = new Map<string, string[]>();
const wall = new Map<string, number[]>();
const cpu = new Map<string, number[]>();
for (const [engine, extract] of Object.entries(engines)) {
  const texts: string[] = [];
  for (const file of files) texts.push(await extract(file)); // the first pass: warm-up, and the text compared below
  outputs.set(engine, texts);
  for (const file of files) await extract(file);
  wall.set(engine, []);
  cpu.set(engine, []);
}
// Rounds alternate the engines' order, so neither always runs right after the other. CPU time is reported
// beside wall time: on a shared machine it is the steadier of the two.
for (let run = 0; run < runs; run++) {
  const order = Object.entries(engines);
  if (run % 2 === 1) order.reverse();
  for (const [engine, extract] of order) {
    const startCpu = process.cpuUsage();
    const start = performance.now();
    for (const file of files) await extract(file);
    wall.get(engine)!.push(performance.now() - start);
    const used = process.cpuUsage(startCpu);
    cpu.get(engine)!.push((used.user + used.system) / 1000);
  }
}
const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)]!;

console.log('');
console.log('engine     wall ms (median)   pages/s   cpu ms (median)   pages/cpu-s');
for (const engine of Object.keys(engines)) {
  const w = median(wall.get(engine)!);
  const c = median(cpu.get(engine)!);
  console.log(
    `${engine.padEnd(10)} ${w.toFixed(0).padStart(16)} ${((totalPages / w) * 1000).toFixed(1).padStart(9)} ${c.toFixed(0).padStart(17)} ${((totalPages / c) * 1000).toFixed(1).padStart(13)}`,
  );
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
