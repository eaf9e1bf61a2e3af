/**
 * Reports in a real browser, with no language model configured: a space holding the workshop field guide, a
 * Summary made from it extractively with the job's steps shown as they come, a [n] chip opening its passage in
 * the same citation panel answers use, the Word file downloaded (a ZIP, as every DOCX is) and rendered again as
 * a new version, a template that needs a model saying so, and templates of the user's own: a file in the
 * templates folder that does not parse is named with its line, and a schema added from the page is checked.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropFiles, openAppSession, type AppSession } from './app-session.js';
import { fieldGuide } from './fixtures.js';
import { repoRoot } from './hearth-server.js';

const summaryScreenshot = path.join(repoRoot, 'tests/artifacts/reports-summary.png');
const filesScreenshot = path.join(repoRoot, 'tests/artifacts/reports-files.png');
const failedScreenshot = path.join(repoRoot, 'tests/artifacts/reports-needs-model.png');

let session: AppSession;
let page: Page;

beforeAll(async () => {
  session = await openAppSession('reports');
  page = session.page;
}, 120_000);

afterAll(async () => {
  await session?.close();
});

const report = () => page.getByTestId('report');
const run = () => page.getByTestId('report-run');
const docxFile = () => page.locator('[data-testid="report-file"][data-format="docx"]');

describe('reports in a browser, without a language model', () => {
  it('makes an extractive Summary of the space, showing each step of its job', async () => {
    await page.getByTestId('drop-zone').waitFor();
    await dropFiles(page, [{ name: fieldGuide.name, bytes: Array.from(Buffer.from(fieldGuide.text, 'utf8')) }]);
    await page.locator('[data-testid="upload-row"][data-stage="done"]').filter({ hasText: fieldGuide.name }).waitFor({ timeout: 60_000 });
    // A template file with a JSON mistake on its third line, dropped in the data folder's templates folder.
    await mkdir(path.join(session.tmp, 'data', 'templates'), { recursive: true });
    await writeFile(path.join(session.tmp, 'data', 'templates', 'broken.json'), '{\n  "name": "Broken",\n  "schema": { "type": "object" ]\n}\n');

    await page.getByTestId('reports-tab').click();
    const picker = page.getByTestId('report-template');
    await expect.poll(() => picker.locator('option').allTextContents(), { timeout: 15_000 }).toEqual(['Report', 'Summary', 'Meeting agenda', 'Milestone plan']);
    const problems = page.getByTestId('template-problems');
    await problems.waitFor();
    expect(await problems.textContent()).toMatch(/broken\.json:3 .*line 3/);
    await picker.selectOption('summary');
    expect(await page.getByTestId('report-template-about').textContent()).toContain('built from the passages’ own sentences');
    await page.getByTestId('report-request').fill('How the copper kettle is descaled and how the lanterns are kept');
    await page.getByTestId('report-create').click();

    await expect.poll(() => run().getAttribute('data-status'), { timeout: 60_000 }).toBe('done');
    const steps = await run()
      .getByTestId('report-step')
      .evaluateAll((lines) => lines.map((line) => `${(line as HTMLElement).dataset.step}:${(line as HTMLElement).dataset.state}`));
    // Built from the passages: retrieved, checked against the template and rendered, every step finished.
    expect(steps[0]).toBe('retrieving:done');
    expect(steps).toContain('validating:done');
    expect(steps.at(-1)).toBe('rendering:done');
    expect(steps.every((step) => step.endsWith(':done'))).toBe(true);
    expect(await run().getByTestId('report-progress').getAttribute('aria-valuenow')).toBe('100');

    await report().waitFor({ timeout: 15_000 });
    expect(await report().getAttribute('data-template')).toBe('summary');
    expect(await report().getByTestId('report-extractive').textContent()).toContain('built without a language model');
    const points = await report().getByTestId('report-claim').allTextContents();
    expect(points.length).toBeGreaterThan(0);
    expect(points.join(' ')).toContain('descaled every 41 days');
    // Every key point cites at least one of the passages retrieved for it.
    for (const point of await report().getByTestId('report-claim').all()) expect(await point.getByTestId('citation-chip').count()).toBeGreaterThan(0);

    const listed = page.getByTestId('report-item');
    await expect.poll(() => listed.count()).toBe(1);
    expect(await listed.first().getAttribute('aria-current')).toBe('true');
  }, 120_000);

  it('opens the passage a key point cites in the citation panel', async () => {
    const chip = report().getByTestId('report-claim').filter({ hasText: 'descaled every 41 days' }).first().getByTestId('citation-chip').first();
    await chip.click();
    const panel = page.getByTestId('citation-panel');
    await panel.waitFor();
    expect(await panel.getByTestId('citation-document').textContent()).toBe(fieldGuide.name);
    expect(await panel.getByTestId('citation-heading-path').textContent()).toContain('Kettles');
    const mark = panel.getByTestId('citation-mark');
    await mark.waitFor({ timeout: 15_000 });
    expect(await mark.textContent()).toContain('descaled every 41 days');
    expect(await chip.getAttribute('aria-pressed')).toBe('true');
    await mkdir(path.dirname(summaryScreenshot), { recursive: true });
    await page.screenshot({ path: summaryScreenshot });
  });

  it('downloads the Word file, a ZIP package', async () => {
    expect(await docxFile().getAttribute('data-version')).toBe('1');
    const [download] = await Promise.all([page.waitForEvent('download'), docxFile().getByTestId('artifact-download').click()]);
    expect(download.suggestedFilename()).toMatch(/\.docx$/);
    const bytes = await readFile((await download.path())!);
    expect(bytes.subarray(0, 2).toString('latin1')).toBe('PK');
    expect(bytes.length).toBeGreaterThan(1000);
  });

  it('renders the Word file again as version 2, keeping version 1 downloadable', async () => {
    await docxFile().getByTestId('artifact-render').click();
    await expect.poll(() => docxFile().getAttribute('data-version'), { timeout: 30_000 }).toBe('2');
    const earlier = docxFile().getByTestId('artifact-earlier');
    expect(await earlier.allTextContents()).toEqual(['v1']);
    const [download] = await Promise.all([page.waitForEvent('download'), earlier.click()]);
    const bytes = await readFile((await download.path())!);
    expect(bytes.subarray(0, 2).toString('latin1')).toBe('PK');
    await docxFile().scrollIntoViewIfNeeded();
    await page.screenshot({ path: filesScreenshot });
  });

  it('says a milestone plan needs a language model, and the job fails saying so', async () => {
    await page.getByTestId('report-template').selectOption('milestone-plan');
    expect(await page.getByTestId('report-needs-model').textContent()).toContain('Needs a language model');
    await page.getByTestId('report-request').fill('The milestones of the workshop upkeep');
    await page.getByTestId('report-create').click();
    await expect.poll(() => run().getAttribute('data-status'), { timeout: 30_000 }).toBe('failed');
    const failure = run().getByTestId('report-run-error');
    expect(await failure.textContent()).toMatch(/model/i);
    expect(await failure.isVisible()).toBe(true);
    // Nothing half-made was kept: the space still has its one report.
    await expect.poll(() => page.getByTestId('report-item').count()).toBe(1);
    await page.screenshot({ path: failedScreenshot });
  });

  it('adds a template of the user’s own, naming the line of a JSON mistake first', async () => {
    await page.getByTestId('template-form').locator('summary').click();
    await page.getByTestId('template-name').fill('Kettle log');
    await page.getByTestId('template-schema').fill('{\n  "type": "object",\n  "properties": {\n    "entries": { "type": "array" }\n  },,\n}');
    await page.getByTestId('template-add').click();
    const error = page.getByTestId('template-error');
    await error.waitFor();
    expect(await error.textContent()).toMatch(/line 5/);

    const schema = {
      type: 'object',
      properties: { entries: { type: 'array', items: { type: 'object', properties: { date: { type: 'string', format: 'date' } }, required: ['date'] } } },
      required: ['entries'],
    };
    await page.getByTestId('template-schema').fill(JSON.stringify(schema, null, 2));
    await page.getByTestId('template-add').click();
    const yours = page.getByTestId('report-template').locator('optgroup[label="Your templates"] option');
    await expect.poll(() => yours.allTextContents()).toEqual(['Kettle log (yours)']);
    // The picker chose it; with no model configured it says it cannot be made yet.
    expect(await page.getByTestId('report-template').inputValue()).toBe(await yours.first().getAttribute('value'));
    expect(await page.getByTestId('report-needs-model').count()).toBe(1);
    expect(await error.count()).toBe(0);
  });

  it('raised no errors in the page', () => {
    expect(session.pageErrors).toEqual([]);
  });
});
