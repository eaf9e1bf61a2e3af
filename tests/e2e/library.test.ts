/**
 * The library in a real browser: a PDF and a Markdown file dropped, filtered by format, a citation on page 2
 * of the PDF shown as the drawn page with the passage highlighted, and a document deleted for good.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPdf } from '../fixtures/documents/pdf.js';
import { harbourHandbook, lighthouseQuestion } from './fixtures.js';
import { repoRoot } from './hearth-server.js';
import { dropFiles, openAppSession, type AppSession } from './app-session.js';

const screenshotPath = path.join(repoRoot, 'tests/artifacts/library-pdf.png');

const beekeeping = {
  name: 'beekeeping.md',
  text: [
    '# Beekeeping',
    '',
    '## Smokers',
    '',
    'Light the bee smoker with dry hessian and pine needles, and puff it gently at the hive entrance before lifting the crown board.',
    '',
  ].join('\n'),
};
const beekeepingQuestion = 'What do I light the bee smoker with?';

let session: AppSession;
let page: Page;
const pageErrors = () => session.pageErrors;

beforeAll(async () => {
  session = await openAppSession('library');
  page = session.page;
}, 120_000);

afterAll(async () => {
  await session?.close();
});


const uploadRow = (name: string) => page.locator('[data-testid="upload-row"]').filter({ hasText: name });
const documentItems = () => page.getByTestId('document-item');

async function askAndWait(question: string) {
  const before = await page.locator('[data-testid="assistant-message"]:not([data-streaming])').count();
  await page.getByTestId('question-input').fill(question);
  await page.getByTestId('ask-button').click();
  await expect.poll(() => page.locator('[data-testid="assistant-message"]:not([data-streaming])').count(), { timeout: 30_000 }).toBe(before + 1);
  return page.locator('[data-testid="assistant-message"]:not([data-streaming])').last();
}

describe('the library in a browser', () => {
  it('ingests a dropped PDF and a Markdown file, with the PDF’s page count', async () => {
    await page.getByTestId('drop-zone').waitFor();
    const pdf = await buildPdf(harbourHandbook.spec);
    await dropFiles(page, [
      { name: harbourHandbook.name, bytes: Array.from(pdf) },
      { name: beekeeping.name, bytes: Array.from(Buffer.from(beekeeping.text, 'utf8')) },
    ]);
    await uploadRow(harbourHandbook.name).and(page.locator('[data-stage="done"]')).waitFor({ timeout: 60_000 });
    await uploadRow(beekeeping.name).and(page.locator('[data-stage="done"]')).waitFor({ timeout: 60_000 });
    await expect.poll(() => documentItems().count()).toBe(2);
    expect(await documentItems().filter({ hasText: harbourHandbook.name }).textContent()).toContain('2 pages');
  }, 90_000);

  it('filters the list by format and by name', async () => {
    await page.getByTestId('document-filter-format').selectOption({ label: 'PDF' });
    await expect.poll(() => documentItems().count()).toBe(1);
    expect(await documentItems().first().textContent()).toContain(harbourHandbook.name);

    await page.getByTestId('document-filter-format').selectOption({ label: 'All' });
    await page.getByTestId('document-filter-text').fill('BEE');
    await expect.poll(() => documentItems().count()).toBe(1);
    expect(await documentItems().first().textContent()).toContain(beekeeping.name);

    await page.getByTestId('document-filter-text').fill('');
    await expect.poll(() => documentItems().count()).toBe(2);
  });

  it('cites page 2 and shows it drawn, with the passage highlighted', async () => {
    const answer = await askAndWait(lighthouseQuestion);
    expect(await answer.textContent()).toContain('nine hours');
    const sources = answer.getByTestId('citation-source').filter({ hasText: harbourHandbook.name });
    await sources.first().click();

    const panel = page.getByTestId('citation-panel');
    await panel.waitFor();
    expect(await panel.getByTestId('citation-document').textContent()).toBe(harbourHandbook.name);
    expect(await panel.getByTestId('citation-location').textContent()).toBe('page 2');

    await panel.getByTestId('citation-view-page').click();
    const pageFigure = panel.getByTestId('citation-page');
    await pageFigure.waitFor({ timeout: 30_000 });
    expect(await pageFigure.getAttribute('data-page')).toBe('2');
    // Highlights are laid over the page once it is drawn, so their presence says the canvas is done.
    const highlight = panel.getByTestId('citation-page-highlight');
    await highlight.first().waitFor({ timeout: 30_000 });
    const canvas = panel.getByTestId('citation-page-canvas');
    expect(await canvas.evaluate((element) => (element as HTMLCanvasElement).width)).toBeGreaterThan(100);
    // The canvas holds more than a blank page: some pixels are dark (the drawn text).
    const inked = await canvas.evaluate((element) => {
      const c = element as HTMLCanvasElement;
      const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let dark = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i]! < 128 && data[i + 3]! > 0) dark++;
      return dark;
    });
    expect(inked).toBeGreaterThan(100);
    expect(await highlight.first().isVisible()).toBe(true);
    const highlighted = (await highlight.allTextContents()).join(' ');
    expect(highlighted).toContain('lighthouse keeper');
    expect(await highlight.first().evaluate((element) => {
      const box = element.getBoundingClientRect();
      return box.top >= 0 && box.bottom <= window.innerHeight;
    })).toBe(true);

    await mkdir(path.dirname(screenshotPath), { recursive: true });
    await page.screenshot({ path: screenshotPath });

    await panel.getByTestId('citation-view-text').click();
    expect(await panel.getByTestId('citation-mark').textContent()).toContain('nine hours');
  }, 60_000);

  it('deletes the Markdown document after a confirm, and its content is no longer found', async () => {
    const item = documentItems().filter({ hasText: beekeeping.name });
    await item.getByTestId('document-delete').click();
    await item.getByTestId('document-delete-confirm').click();
    await expect.poll(() => documentItems().count()).toBe(1);
    expect(await documentItems().first().textContent()).toContain(harbourHandbook.name);

    const answer = await askAndWait(beekeepingQuestion);
    expect(await answer.getByTestId('citation-source').filter({ hasText: beekeeping.name }).count()).toBe(0);
    expect(await answer.textContent()).not.toContain('hessian');
  }, 60_000);

  it('raised no errors in the page', () => {
    expect(pageErrors()).toEqual([]);
  });
});
