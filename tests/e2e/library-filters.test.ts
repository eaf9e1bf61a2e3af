/**
 * The library's projects, filters and re-read in a real browser: files added under a project, the list
 * filtered by project and by date added, a question asked of only the filtered documents (its citations
 * come from nowhere else), and a document read again from its original with its progress shown to the end.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEncryptedPdf } from '../fixtures/documents/encrypted-pdf.js';
import { repoRoot } from './hearth-server.js';
import { dropFiles, openAppSession, type AppSession } from './app-session.js';

const screenshotPath = path.join(repoRoot, 'tests/artifacts/library-filters.png');
const passwordScreenshotPath = path.join(repoRoot, 'tests/artifacts/library-reread-password.png');

const markdown = (name: string, lines: string[]) => ({ name, bytes: Array.from(Buffer.from(`${lines.join('\n')}\n`, 'utf8')) });
const harbourFiles = [
  markdown('harbour-tides.md', ['# Tides', '', '## Ferry', '', 'The island ferry timetable puts the first ferry at six in the morning, from the harbour slipway.']),
  markdown('harbour-fuel.md', ['# Fuel berth', '', 'The fuel berth closes when the last ferry of the timetable has sailed.']),
];
const gardenFile = markdown('garden-club.md', ['# Garden club', '', 'Members take the ferry to the island nursery; the ferry timetable changes in winter.']);
const looseFile = markdown('loose-notes.md', ['# Loose notes', '', 'Ask the ferry office for a printed timetable before the season starts.']);
const question = 'When does the ferry timetable say the first ferry leaves?';

let session: AppSession;
let page: Page;

beforeAll(async () => {
  session = await openAppSession('library-filters');
  page = session.page;
}, 120_000);

afterAll(async () => {
  await session?.close();
});

const documentItems = () => page.getByTestId('document-item');
const documentItem = (name: string) => documentItems().filter({ hasText: name });
const uploadDone = (name: string) => page.locator('[data-testid="upload-row"][data-stage="done"]').filter({ hasText: name });
const visibleIds = () => documentItems().evaluateAll((items) => items.map((item) => item.getAttribute('data-document-id')!));

/** A day as `<input type=date>` takes it, in the browser's own time zone, `offset` days from today. */
const localDay = (offset: number) =>
  page.evaluate((days) => {
    const day = new Date();
    day.setDate(day.getDate() + days);
    return `${day.getFullYear()}-${String(day.getMonth() + 1).padStart(2, '0')}-${String(day.getDate()).padStart(2, '0')}`;
  }, offset);

async function addUnderProject(project: string, files: Array<{ name: string; bytes: number[] }>) {
  await page.getByTestId('upload-project').fill(project);
  await dropFiles(page, files);
  for (const file of files) await uploadDone(file.name).waitFor({ timeout: 60_000 });
}

async function askAndWait() {
  const finished = page.locator('[data-testid="assistant-message"]:not([data-streaming])');
  const before = await finished.count();
  await page.getByTestId('question-input').fill(question);
  await page.getByTestId('ask-button').click();
  await expect.poll(() => finished.count(), { timeout: 30_000 }).toBe(before + 1);
  const answer = finished.last();
  return answer.getByTestId('citation-source').evaluateAll((chips) => chips.map((chip) => chip.getAttribute('data-document-id')!));
}

describe('projects, filters and re-read in a browser', () => {
  it('adds files under the project typed beside the drop zone', async () => {
    await page.getByTestId('drop-zone').waitFor();
    await addUnderProject('Harbour', harbourFiles);
    await addUnderProject('Garden', [gardenFile]);
    await addUnderProject('', [looseFile]);
    await expect.poll(() => documentItems().count()).toBe(4);
    for (const file of harbourFiles) expect(await documentItem(file.name).getByTestId('document-project').textContent()).toBe('Harbour');
    expect(await documentItem(gardenFile.name).getByTestId('document-project').textContent()).toBe('Garden');
    expect(await documentItem(looseFile.name).getByTestId('document-project').count()).toBe(0);
  }, 120_000);

  it('filters by project, offering only the projects in the space', async () => {
    const select = page.getByTestId('document-filter-project');
    expect(await select.locator('option').allTextContents()).toEqual(['All projects', 'Garden', 'Harbour']);
    await select.selectOption({ label: 'Harbour' });
    await expect.poll(() => documentItems().count()).toBe(2);
    expect((await documentItems().allTextContents()).join(' ')).not.toContain(gardenFile.name);
    await select.selectOption({ label: 'Garden' });
    await expect.poll(() => documentItems().count()).toBe(1);
    await select.selectOption({ label: 'All projects' });
    await expect.poll(() => documentItems().count()).toBe(4);
  });

  it('filters by date added, both days included', async () => {
    const [yesterday, today, tomorrow] = [await localDay(-1), await localDay(0), await localDay(1)];
    await page.getByTestId('document-filter-from').fill(tomorrow);
    await expect.poll(() => documentItems().count()).toBe(0);
    expect(await page.getByText('No document matches the filter.').isVisible()).toBe(true);
    await page.getByTestId('document-filter-from').fill(today);
    await page.getByTestId('document-filter-to').fill(today);
    await expect.poll(() => documentItems().count()).toBe(4);
    await page.getByTestId('document-filter-from').fill('');
    await page.getByTestId('document-filter-to').fill(yesterday);
    await expect.poll(() => documentItems().count()).toBe(0);
    await page.getByTestId('document-filter-clear').click();
    await expect.poll(() => documentItems().count()).toBe(4);
    expect(await page.getByTestId('ask-only-filtered').count()).toBe(0);
  });

  it('asks only the filtered documents when told to, and the whole space otherwise', async () => {
    await page.getByTestId('document-filter-project').selectOption({ label: 'Harbour' });
    await expect.poll(() => documentItems().count()).toBe(2);
    const harbourIds = new Set(await visibleIds());
    const toggle = page.getByTestId('ask-only-filtered');
    expect(await page.locator('.ask-scope').textContent()).toContain('Only the 2 filtered documents');
    expect(await toggle.isChecked()).toBe(false);

    // Three passages quoted from four one-passage documents: the whole space's answer cites beyond Harbour.
    const everywhere = await askAndWait();
    expect(everywhere.length).toBeGreaterThan(0);
    expect(everywhere.some((id) => !harbourIds.has(id))).toBe(true);

    await toggle.check();
    const filtered = await askAndWait();
    expect(filtered.length).toBeGreaterThan(0);
    for (const id of filtered) expect(harbourIds.has(id)).toBe(true);
  }, 90_000);

  it('re-reads a document, showing its progress to the end, and it is still asked and cited', async () => {
    const row = documentItem('harbour-tides.md');
    const oldId = await row.getAttribute('data-document-id');
    await row.getByTestId('document-reingest').click();
    const status = documentItem('harbour-tides.md').getByTestId('document-reingest-status');
    await expect.poll(() => status.getAttribute('data-stage').catch(() => null), { timeout: 60_000 }).toBe('done');
    expect(await status.textContent()).toContain('Read again: 1 passage');
    const newId = await documentItem('harbour-tides.md').getAttribute('data-document-id');
    expect(newId).not.toBe(oldId);
    expect(await documentItems().count()).toBe(2);
    expect(await documentItem('harbour-tides.md').getByTestId('document-project').textContent()).toBe('Harbour');

    // The filter now names the new reading, and answers cite it.
    const filtered = await askAndWait();
    expect(filtered).toContain(newId);
    expect(filtered).not.toContain(oldId);

    await mkdir(path.dirname(screenshotPath), { recursive: true });
    await page.screenshot({ path: screenshotPath });
  }, 90_000);

  it('re-reads an encrypted PDF once given its password, keeping the old reading until then', async () => {
    await page.getByTestId('document-filter-clear').click();
    const pdf = buildEncryptedPdf({ userPassword: 'hearth', text: 'The vault code is kept by the harbour master.' });
    await dropFiles(page, [{ name: 'vault.pdf', bytes: Array.from(pdf) }]);
    const upload = page.locator('[data-testid="upload-row"]').filter({ hasText: 'vault.pdf' });
    await upload.getByTestId('upload-password-input').fill('hearth', { timeout: 60_000 });
    await upload.getByTestId('upload-password-submit').click();
    await uploadDone('vault.pdf').waitFor({ timeout: 60_000 });
    await expect.poll(() => documentItems().count()).toBe(5);

    const oldId = await documentItem('vault.pdf').getAttribute('data-document-id');
    await documentItem('vault.pdf').getByTestId('document-reingest').click();
    const status = documentItem('vault.pdf').getByTestId('document-reingest-status');
    await expect.poll(() => status.getAttribute('data-stage').catch(() => null), { timeout: 60_000 }).toBe('failed');
    expect(await status.textContent()).toContain('PASSWORD_REQUIRED');
    expect(await status.textContent()).toContain('The version already in the library is unchanged.');
    expect(await documentItem('vault.pdf').getAttribute('data-document-id')).toBe(oldId);
    await page.screenshot({ path: passwordScreenshotPath });

    await status.getByTestId('document-reingest-password-input').fill('hearth');
    await status.getByTestId('document-reingest-password-submit').click();
    await expect
      .poll(() => documentItem('vault.pdf').getByTestId('document-reingest-status').getAttribute('data-stage').catch(() => null), { timeout: 60_000 })
      .toBe('done');
    expect(await documentItem('vault.pdf').getAttribute('data-document-id')).not.toBe(oldId);
    expect(await documentItems().count()).toBe(5);
  }, 120_000);

  it('raised no errors in the page', () => {
    expect(session.pageErrors).toEqual([]);
  });
});
