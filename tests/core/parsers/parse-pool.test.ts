/**
 * Documents read through the real ingest worker pool (dist/app/workers/ingest, built by
 * `npm run build:node`): the same result as in process (also for a PDF read in slices by several
 * workers), first come first served, cancellation (also of a parser that never stops), and a crashing
 * worker that fails only its own file.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ParsePool } from '../../../app/core/parsers/index.js';
import { parseDocument } from '../../../app/core/parsers/index.js';
import { buildDocx } from '../../fixtures/documents/office.js';
import { buildEncryptedPdf } from '../../fixtures/documents/encrypted-pdf.js';
import { textImage } from '../../fixtures/documents/images.js';
import { buildPdf, type PdfBlock } from '../../fixtures/documents/pdf.js';
import { encodeText, russianCsv } from '../../fixtures/documents/text-encodings.js';
import { makeTempDir } from '../../fixtures/temp-dir.js';

const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../dist');

describe('ParsePool', () => {
  let pool: ParsePool | undefined;
  let temp: Awaited<ReturnType<typeof makeTempDir>>;

  beforeEach(async () => {
    temp = await makeTempDir();
  });

  afterEach(async () => {
    await pool?.dispose();
    pool = undefined;
    await temp.cleanup();
  });

  it('reads documents in worker threads exactly as in process, reporting progress', async () => {
    pool = new ParsePool({ size: 2, ocr: false });
    const files = [
      { name: 'report.pdf', bytes: await buildPdf({ pages: [[{ heading: 'Отчёт' }, { paragraph: 'Первая страница.' }], [{ paragraph: 'Вторая страница.' }]] }) },
      { name: 'contract.docx', bytes: await buildDocx([{ heading: 'Договор' }, { bullets: ['Срок', 'Цена'] }]) },
      { name: 'people.csv', bytes: encodeText(russianCsv, 'windows-1251') },
    ];
    const progress = new Map<string, number[]>();
    const results = await Promise.all(
      files.map((file) => pool!.parse(file, { onProgress: (fraction) => progress.set(file.name, [...(progress.get(file.name) ?? []), fraction]) })),
    );
    for (const [i, file] of files.entries()) {
      expect(results[i]).toEqual(await parseDocument(file, { ocr: false }));
      expect(progress.get(file.name)?.at(-1)).toBe(1);
    }
    expect(results[0]!.regions.map((r) => r.page)).toEqual([1, 2]);
  });

  it('reads a large PDF in slices across the idle workers, with the same result as one reader', async () => {
    pool = new ParsePool({ size: 3, ocr: false, splitPdfBytes: 1 });
    const scan = textImage(['A scanned page']);
    const pages: PdfBlock[][] = Array.from({ length: 7 }, (_, i) =>
      i === 4
        ? [{ image: scan.png, width: scan.width, height: scan.height }]
        : [{ heading: `Раздел ${i + 1}`, size: 16 }, { paragraph: `Page ${i + 1} says the supplier delivers within ${i + 10} days.` }, { list: ['Check', 'Sign'] }],
    );
    const file = { name: 'contract.pdf', bytes: await buildPdf({ pages, title: 'Supply contract', pageNumbers: true, runningHeader: 'Hearth Corp — confidential' }) };
    const fractions: number[] = [];
    const sliced = await pool.parse(file, { onProgress: (fraction) => fractions.push(fraction) });
    expect(pool.slicedReads).toBe(1);
    const whole = await parseDocument(file, { ocr: false });
    expect(sliced).toEqual(whole);
    // The layout saw every page: the running header and page numbers are gone, the page without text is named.
    expect(sliced.markdown).not.toContain('confidential');
    expect(sliced.regions.map((region) => region.page)).toEqual([1, 2, 3, 4, 6, 7]);
    expect(sliced.title).toBe('Supply contract');
    expect(fractions.at(-1)).toBe(1);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));

    // A page with no text layer at all, in the middle slice, is still named.
    const scanned = { name: 'scanned.pdf', bytes: await buildPdf({ pages: pages.map((blocks, i) => (i === 4 ? blocks : blocks.slice(1))) }) };
    const slicedScan = await pool.parse(scanned);
    expect(slicedScan).toEqual(await parseDocument(scanned, { ocr: false }));
    expect(slicedScan.warnings.join(' ')).toContain('Page 5 has no text layer');
  });

  it('keeps reading whole files side by side while several are waiting, and slices no PDF then', async () => {
    pool = new ParsePool({ size: 3, ocr: false, splitPdfBytes: 1 });
    const pdf = (n: number) => buildPdf({ pages: [[{ paragraph: `Report ${n}, page one.` }], [{ paragraph: `Report ${n}, page two.` }]] });
    const files = await Promise.all([1, 2, 3].map(async (n) => ({ name: `report-${n}.pdf`, bytes: await pdf(n) })));
    const results = await Promise.all(files.map((file) => pool!.parse(file)));
    for (const [i, file] of files.entries()) expect(results[i]).toEqual(await parseDocument(file, { ocr: false }));
    expect(pool.slicedReads).toBe(0);
  });

  it('gives a wrong password the same answer when a PDF is read in slices', async () => {
    pool = new ParsePool({ size: 3, ocr: false, splitPdfBytes: 1 });
    const bytes = buildEncryptedPdf({ userPassword: 'secret', text: 'Hidden text.' });
    await expect(pool.parse({ name: 'locked.pdf', bytes })).rejects.toMatchObject({ code: 'PASSWORD_REQUIRED' });
    await expect(pool.parse({ name: 'locked.pdf', bytes, password: 'wrong' })).rejects.toMatchObject({ code: 'PASSWORD_INCORRECT' });
    expect((await pool.parse({ name: 'locked.pdf', bytes, password: 'secret' })).markdown).toContain('Hidden text.');
    expect(pool.slicedReads).toBe(3);
  });

  it('serves files first come, first served, and a cancelled file never reaches a worker', async () => {
    pool = new ParsePool({ size: 1, ocr: false });
    const finished: string[] = [];
    const read = (name: string, signal?: AbortSignal) =>
      pool!.parse({ name, bytes: encodeText(`# ${name}\n`, 'utf-8') }, signal ? { signal } : {}).then((document) => {
        finished.push(name);
        return document;
      });
    const controller = new AbortController();
    const first = read('first.md');
    const second = read('second.md', controller.signal);
    const third = read('third.md');
    await Promise.resolve(); // files added in one turn are dispatched together, at its end
    expect(pool.waiting).toBe(2);
    controller.abort();
    await expect(second).rejects.toMatchObject({ code: 'CANCELLED' });
    await Promise.all([first, third]);
    expect(finished).toEqual(['first.md', 'third.md']);
  });

  /**
   * The real parser behind a worker that misbehaves on purpose: it dies on files named crash.*, as a parser
   * hitting a fatal bug would, and hangs without ever looking at its signal on files named stuck.*.
   */
  async function misbehavingWorker(): Promise<string> {
    const script = path.join(temp.dir, 'misbehaving-worker.mjs');
    const url = (relative: string) => pathToFileURL(path.join(dist, relative)).href;
    await writeFile(
      script,
      [
        `import { serveWorker } from '${url('app/workers/runtime.js')}';`,
        `import { parseDocument } from '${url('app/core/parsers/index.js')}';`,
        'serveWorker({',
        '  async parse(params, { emit }) {',
        '    if (params.name.startsWith("crash")) process.exit(3);',
        '    if (params.name.startsWith("stuck")) { emit({ fraction: 0.1 }); return new Promise(() => {}); }',
        '    return parseDocument(params);',
        '  },',
        '});',
      ].join('\n'),
    );
    return script;
  }

  it('fails only the file whose worker crashed, and keeps reading the others', async () => {
    pool = new ParsePool({ size: 1, script: await misbehavingWorker() });
    const crashed = pool.parse({ name: 'crash.md', bytes: encodeText('# Boom\n', 'utf-8') });
    const after = pool.parse({ name: 'fine.md', bytes: encodeText('# Fine\n', 'utf-8') });
    const error = await crashed.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'INTERNAL', details: { fileName: 'crash.md', crashed: true } });
    expect((error as Error).message).toContain('stopped while reading crash.md');
    await expect(after).resolves.toMatchObject({ markdown: '# Fine\n' });
  });

  it('cancels a file whose parser does not stop by ending its worker, and goes on with the next', async () => {
    pool = new ParsePool({ size: 1, script: await misbehavingWorker(), cancelGraceMs: 200 });
    const controller = new AbortController();
    const stuck = pool.parse({ name: 'stuck.pdf', bytes: encodeText('%PDF-1.7', 'utf-8') }, { signal: controller.signal, onProgress: () => controller.abort() });
    await expect(stuck).rejects.toMatchObject({ code: 'CANCELLED' });
    await expect(pool.parse({ name: 'next.md', bytes: encodeText('# Next\n', 'utf-8') })).resolves.toMatchObject({ title: 'Next' });
  });
});
