import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHearth } from '../../app/core/index.js';
import { runHearth } from '../fixtures/cli.js';
import { buildEncryptedPdf } from '../fixtures/documents/encrypted-pdf.js';
import { binaryBytes, russianNotes, travelPolicy } from '../fixtures/documents.js';
import { makeTempDir } from '../fixtures/temp-dir.js';

let temp: { dir: string; cleanup(): Promise<void> };
let dataArgs: string[];

beforeEach(async () => {
  temp = await makeTempDir();
  dataArgs = ['--data-dir', path.join(temp.dir, 'data')];
});
afterEach(() => temp.cleanup());

describe('the hearth command', () => {
  it('ingests in one process and answers with the same citations in the next', async () => {
    const docs = path.join(temp.dir, 'docs');
    await mkdir(path.join(docs, 'ru'), { recursive: true });
    await writeFile(path.join(docs, 'policy.md'), travelPolicy);
    await writeFile(path.join(docs, 'ru', 'возврат.md'), russianNotes);

    const ingest = await runHearth(['ingest', docs, '--space', 'Work', ...dataArgs]);
    expect(ingest.stderr).toBe('');
    expect(ingest.code).toBe(0);
    expect(ingest.stdout.trim().split('\n')).toEqual([
      `indexed\t${path.join(docs, 'policy.md')}\t4 passages`,
      `indexed\t${path.join(docs, 'ru', 'возврат.md')}\t2 passages`,
    ]);

    const first = await runHearth(['ask', 'claim a refund for train tickets', '--space', 'Work', ...dataArgs]);
    const second = await runHearth(['ask', 'claim a refund for train tickets', '--space', 'work', ...dataArgs]);
    expect(first.code).toBe(0);
    expect(second.stdout).toBe(first.stdout);
    expect(first.stdout).toContain('within 30 days of travel');
    expect(first.stdout).toMatch(/Sources:\n\[1\] policy\.md › Travel policy › Refunds \(characters \d+–\d+\)/);

    const json = await runHearth(['ask', 'гостинице', '--space', 'Work', '--json', ...dataArgs]);
    const message = JSON.parse(json.stdout) as { citations: { documentName: string; headingPath: string[] }[] };
    expect(message.citations[0]).toMatchObject({ documentName: 'возврат.md', headingPath: ['Политика возврата', 'Гостиницы'] });

    const again = await runHearth(['ingest', path.join(docs, 'policy.md'), '--space', 'Work', ...dataArgs]);
    expect(again.stdout).toMatch(/^unchanged\t/);

    const spaces = await runHearth(['spaces', ...dataArgs]);
    expect(spaces.stdout).toMatch(/^Work\t[0-9a-f-]+\t2 documents\n$/);
  });

  it('exits 1 when some files fail, and says why for each', async () => {
    await writeFile(path.join(temp.dir, 'good.md'), travelPolicy);
    await writeFile(path.join(temp.dir, 'bad.md'), binaryBytes());
    const run = await runHearth(['ingest', path.join(temp.dir, 'good.md'), path.join(temp.dir, 'bad.md'), '--space', 'S', ...dataArgs]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('indexed');
    expect(run.stderr).toContain(`failed\t${path.join(temp.dir, 'bad.md')}\tFILE_BINARY`);
  });

  it('opens a password-protected PDF with --password and files documents under --project', async () => {
    const locked = path.join(temp.dir, 'locked.pdf');
    await writeFile(locked, buildEncryptedPdf({ userPassword: 'harbour', text: 'The berth fee is due on the first of the month.' }));
    const without = await runHearth(['ingest', locked, '--space', 'S', ...dataArgs]);
    expect(without.code).toBe(1);
    expect(without.stderr).toContain(`failed\t${locked}\tPASSWORD_REQUIRED`);
    const wrong = await runHearth(['ingest', locked, '--space', 'S', '--password', 'tide', ...dataArgs]);
    expect(wrong.stderr).toContain('PASSWORD_INCORRECT');

    const right = await runHearth(['ingest', locked, '--space', 'S', '--password', 'harbour', '--project', 'Marina 2027', ...dataArgs]);
    expect(right.code).toBe(0);
    expect(right.stdout).toMatch(/^indexed\t/);
    const hearth = await createHearth({ dataDir: path.join(temp.dir, 'data'), modelLibrary: path.join(temp.dir, 'models') });
    try {
      const space = hearth.spaces.resolve('S')!;
      expect(hearth.documents.list(space.id).map((document) => [document.name, document.project])).toEqual([['locked.pdf', 'Marina 2027']]);
    } finally {
      await hearth.dispose();
    }
    expect((await runHearth(['ingest', locked, '--space', 'S', '--project', ' ', ...dataArgs])).code).toBe(2);
  });

  it('exits 1 for an unknown space and 2 for a wrong command line', async () => {
    const unknownSpace = await runHearth(['ask', 'anything', '--space', 'Nowhere', ...dataArgs]);
    expect(unknownSpace.code).toBe(1);
    expect(unknownSpace.stderr).toContain('There is no space "Nowhere"');
    expect((await runHearth(['frobnicate', ...dataArgs])).code).toBe(2);
    expect((await runHearth(['ask', 'question', ...dataArgs])).stderr).toContain('--space is required');
    expect((await runHearth(['serve', '--port', 'abc', ...dataArgs])).code).toBe(2);
    const help = await runHearth(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: hearth');
  });
});
