/**
 * `hearth report` as a user runs it, in a real process: a Summary of a space written to a DOCX file with no
 * language model (extractive, and saying so), the Markdown printed without --out, and the mistakes a user makes
 * on the command line answered with what to do.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runHearth } from '../fixtures/cli.js';
import { travelPolicy } from '../fixtures/documents.js';
import { makeTempDir } from '../fixtures/temp-dir.js';

let temp: { dir: string; cleanup(): Promise<void> };
let dataArgs: string[];

beforeAll(async () => {
  temp = await makeTempDir();
  // An empty model library: no language model, whatever the machine has.
  dataArgs = ['--data-dir', path.join(temp.dir, 'data'), '--models', path.join(temp.dir, 'models')];
  await writeFile(path.join(temp.dir, 'policy.md'), travelPolicy);
  const ingest = await runHearth(['ingest', path.join(temp.dir, 'policy.md'), '--space', 'Work', ...dataArgs]);
  expect(ingest.code).toBe(0);
});
afterAll(() => temp.cleanup());

describe('hearth report', () => {
  it('writes a Summary of the space to a DOCX file, built from the passages when there is no model', async () => {
    const out = path.join(temp.dir, 'summary.docx');
    const run = await runHearth(['report', 'summary', 'train ticket refunds', '--space', 'Work', '--out', out, ...dataArgs]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^Wrote ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(Summary, built from the passages alone, no language model; \\d+ passages; version 1\\)\\n$`));
    expect(run.stderr).toContain('Retrieving the passages…\nBuilding it from the passages (no language model is configured)…\nValidating (attempt 1)…\nRendering docx…\n');
    const parts = unzipSync(await readFile(out));
    const document = strFromU8(parts['word/document.xml']!);
    expect(document).toContain('Employees may claim a refund for train tickets within 30 days of travel.');
  });

  it('prints the Markdown without --out', async () => {
    const run = await runHearth(['report', 'Report', 'hotel caps in Europe', '--space', 'work', ...dataArgs]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Hotel stays are capped at 150 euros per night in Europe');
  });

  it('says what to do when the template needs a model, the space or template is unknown, or the file type is not one it writes', async () => {
    const agenda = await runHearth(['report', 'meeting-agenda', 'the launch', '--space', 'Work', '--out', path.join(temp.dir, 'agenda.docx'), ...dataArgs]);
    expect(agenda.code).toBe(1);
    expect(agenda.stderr).toMatch(/^hearth: A "Meeting agenda" needs a language model/);
    const space = await runHearth(['report', 'summary', 'x', '--space', 'Nowhere', ...dataArgs]);
    expect(space.code).toBe(1);
    expect(space.stderr).toContain('There is no space "Nowhere"');
    const template = await runHearth(['report', 'minutes', 'x', '--space', 'Work', ...dataArgs]);
    expect(template.stderr).toContain('There is no template "minutes" here; there is report, summary, meeting-agenda, milestone-plan.');
    const type = await runHearth(['report', 'summary', 'x', '--space', 'Work', '--out', 'summary.pdf', ...dataArgs]);
    expect(type.code).toBe(2);
    expect(type.stderr).toContain('--out must end in .md, .markdown, .docx, .pptx, .json, .ics, not "summary.pdf"');
  });
});
