import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHearth } from '../../app/core/index.js';
import { runHearth, startHearthServe } from '../fixtures/cli.js';
import { buildEncryptedPdf } from '../fixtures/documents/encrypted-pdf.js';
import { binaryBytes, russianNotes, travelPolicy } from '../fixtures/documents.js';
import { makeTempDir } from '../fixtures/temp-dir.js';
import { httpGet } from '../fixtures/web-mode.js';

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

  it('lists a broken library\'s problems with their models.toml line when asked to check it, and exits 1', async () => {
    const library = path.join(temp.dir, 'models');
    await mkdir(library, { recursive: true });
    await writeFile(path.join(library, 'models.toml'), ['# one model, whose file is missing', '[llm.default]', 'path = "gone.gguf"', 'format = "gguf"', ''].join('\n'));
    const problem = 'models.toml line 3: [llm.default] path = "gone.gguf": no such file or folder';

    const list = await runHearth(['models', 'list', '--models', library, ...dataArgs]);
    expect(list.stdout).toContain(`problem: ${problem}`);
    const check = await runHearth(['models', 'check', '--models', library, ...dataArgs]);
    expect(check.stdout).not.toContain('nothing to check');
    expect(check.stdout).toContain(`problem: ${problem}`);
    expect(check.code).toBe(1);

    await writeFile(path.join(library, 'models.toml'), '');
    const empty = await runHearth(['models', 'check', '--models', library, ...dataArgs]);
    expect(empty.stdout).toContain('nothing to check');
    expect(empty.code).toBe(0);
  });

  it('serves web mode at a printed address that carries its key, and admits the names --allow-host and HEARTH_ALLOWED_HOSTS give', async () => {
    const serving = await startHearthServe([...dataArgs, '--allow-host', 'hearth.lan', '--allow-host', 'Box.lan:8443'], {
      env: { HEARTH_ALLOWED_HOSTS: ' team.lan ,, other.lan' },
    });
    try {
      const port = new URL(serving.origin).port;
      expect(serving.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(serving.output()).toContain(`Hearth is running at http://127.0.0.1:${port}/?token=${serving.token}\n`);
      const key = { Authorization: `Bearer ${serving.token}` };
      for (const host of [`hearth.lan:${port}`, `team.lan:${port}`, `other.lan:${port}`, 'box.lan:8443', `localhost:${port}`]) {
        expect((await httpGet(`${serving.origin}/`, { Host: host, ...key })).status, host).toBe(200);
      }
      for (const host of [`evil.example:${port}`, `box.lan:${port}`, 'hearth.lan:8443']) {
        expect((await httpGet(`${serving.origin}/health`, { Host: host })).status, host).toBe(403);
      }
      expect((await httpGet(`${serving.origin}/`)).status).toBe(401);
      expect((await httpGet(serving.url)).status).toBe(303);
    } finally {
      await serving.stop();
    }
    const wrong = await runHearth(['serve', '--allow-host', 'http://hearth.lan/', ...dataArgs]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('take host names like hearth.lan');
  });

  it('refuses a second Hearth on a data folder in use, naming the process, and takes over the folder of one that was killed', async () => {
    const serving = await startHearthServe(dataArgs);
    try {
      const second = await runHearth(['spaces', ...dataArgs]);
      expect(second.code).toBe(1);
      expect(second.stderr).toMatch(/Another Hearth \(process \d+\) is using the data folder .*Stop it first, or give this one another folder with --data-dir/);
    } finally {
      await serving.kill();
    }
    // Killed, it could not let go of the folder: the next Hearth takes it over.
    const after = await runHearth(['spaces', ...dataArgs]);
    expect(after.code).toBe(0);
  });
});
