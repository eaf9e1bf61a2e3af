/**
 * Documents read through the real ingest worker pool (dist/app/workers/ingest, built by
 * `npm run build:node`): the same result as in process, first come first served, cancellation (also of
 * a parser that never stops), and a crashing worker that fails only its own file.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ParsePool } from '../../../../app/core/ingest/parse-pool.js';
import { parseDocument } from '../../../../app/core/ingest/parsers/index.js';
import { buildDocx } from '../../../fixtures/documents/office.js';
import { buildPdf } from '../../../fixtures/documents/pdf.js';
import { encodeText, russianCsv } from '../../../fixtures/documents/text-encodings.js';
import { makeTempDir } from '../../../fixtures/temp-dir.js';

const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../dist');

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
        `import { parseDocument } from '${url('app/core/ingest/parsers/index.js')}';`,
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
