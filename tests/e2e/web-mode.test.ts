/**
 * Web mode, end to end, in a real browser: the built renderer served by `hearth serve`, driven in headless
 * Chromium the way a user would — drop files, watch them ingest, ask, read the streamed answer, open its source.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fieldGuide, gardenNotes, kettleQuestion, kettleSection, pictureRenamedToMarkdown } from './fixtures.js';
import { repoRoot } from './hearth-server.js';
import { dropFiles, openAppSession, type AppSession } from './app-session.js';

const screenshotPath = path.join(repoRoot, 'tests/artifacts/web-mode.png');

let session: AppSession;
let page: Page;
const pageErrors = () => session.pageErrors;

beforeAll(async () => {
  session = await openAppSession('web');
  page = session.page;
}, 120_000);

afterAll(async () => {
  await session?.close();
});


const bytesOf = (text: string) => Array.from(Buffer.from(text, 'utf8'));
const uploadRow = (name: string) => page.locator('[data-testid="upload-row"]').filter({ hasText: name });
const collapse = (text: string) => text.replace(/\s+/g, ' ').trim();

describe('web mode in a browser', () => {
  it('opens on a default space and says how answers are made', async () => {
    await expect.poll(() => page.locator('[data-testid="space-select"] option:checked').textContent()).toContain('My space');
    await expect.poll(() => page.getByTestId('answer-mode').textContent()).toContain('No language model configured');
  });

  it('ingests a dropped Markdown file and one added with the Add files button', async () => {
    await dropFiles(page, [{ name: fieldGuide.name, bytes: bytesOf(fieldGuide.text) }]);
    await uploadRow(fieldGuide.name).and(page.locator('[data-stage="done"]')).waitFor();

    await page.getByTestId('file-input').setInputFiles({
      name: gardenNotes.name,
      mimeType: 'text/markdown',
      buffer: Buffer.from(gardenNotes.text, 'utf8'),
    });
    await uploadRow(gardenNotes.name).and(page.locator('[data-stage="done"]')).waitFor();

    const documents = page.getByTestId('document-item');
    await documents.filter({ hasText: fieldGuide.name }).waitFor();
    await documents.filter({ hasText: gardenNotes.name }).waitFor();
    expect(await documents.count()).toBe(2);
  });

  it('shows a binary file renamed .md as a FILE_BINARY error row', async () => {
    await dropFiles(page, [pictureRenamedToMarkdown]);
    const row = uploadRow(pictureRenamedToMarkdown.name);
    await row.and(page.locator('[data-stage="failed"]')).waitFor();
    expect(await row.getByTestId('upload-error').textContent()).toContain('FILE_BINARY');
    expect(await page.getByTestId('document-item').count()).toBe(2);
  });

  it('streams the answer to a question whose answer is in a dropped file', async () => {
    // Record every text the answer shows while it is still streaming, to see it arrive in pieces.
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { streamedTexts: string[] }).streamedTexts = seen;
      new MutationObserver(() => {
        const text = document.querySelector('[data-testid="assistant-message"][data-streaming="true"] .answer-text')?.textContent;
        if (text && seen[seen.length - 1] !== text) seen.push(text);
      }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
    });

    await page.getByTestId('question-input').fill(kettleQuestion);
    await page.getByTestId('ask-button').click();

    const answer = page.locator('[data-testid="assistant-message"]:not([data-streaming])').last();
    await answer.waitFor();
    expect(await answer.textContent()).toContain('41 days');
    expect(await page.getByTestId('user-message').last().textContent()).toBe(kettleQuestion);
    const streamed = await page.evaluate(() => (window as unknown as { streamedTexts: string[] }).streamedTexts);
    expect(streamed.length).toBeGreaterThan(1);
  });

  it('opens the cited passage, highlighted, in the citation panel', async () => {
    const answer = page.locator('[data-testid="assistant-message"]').last();
    const chip = answer.getByTestId('citation-chip').first();
    expect(await chip.textContent()).toBe('1');
    await chip.click();

    const panel = page.getByTestId('citation-panel');
    await panel.waitFor();
    expect(await panel.getByTestId('citation-document').textContent()).toBe(fieldGuide.name);
    expect(await panel.getByTestId('citation-heading-path').textContent()).toContain('Kettles');
    const mark = panel.getByTestId('citation-mark');
    const marked = (await mark.textContent()) ?? '';
    expect(marked).toContain('41 days');
    expect(collapse(kettleSection)).toContain(collapse(marked));
    expect(await mark.isVisible()).toBe(true);
    expect(await mark.evaluate((element) => {
      const box = element.getBoundingClientRect();
      return box.top >= 0 && box.bottom <= window.innerHeight;
    })).toBe(true);

    await mkdir(path.dirname(screenshotPath), { recursive: true });
    await page.screenshot({ path: screenshotPath });
  });

  it('restores the library and the latest conversation after a reload', async () => {
    await page.reload();
    await page.locator('[data-testid="assistant-message"]').filter({ hasText: '41 days' }).waitFor();
    expect(await page.getByTestId('user-message').last().textContent()).toBe(kettleQuestion);
    await expect.poll(() => page.getByTestId('document-item').count()).toBe(2);
  });

  it('creates a new empty space, and switches back to the first', async () => {
    await page.getByRole('button', { name: 'New space' }).click();
    await page.getByLabel('Name of the new space').fill('Contracts');
    await page.getByRole('button', { name: 'Create' }).click();
    await expect.poll(() => page.locator('[data-testid="space-select"] option:checked').textContent()).toContain('Contracts');
    await expect.poll(() => page.getByTestId('document-item').count()).toBe(0);
    expect(await page.getByTestId('assistant-message').count()).toBe(0);

    await page.getByTestId('space-select').selectOption({ label: 'My space (2)' });
    await expect.poll(() => page.getByTestId('document-item').count()).toBe(2);
    await page.getByTestId('new-conversation').click();
    expect(await page.getByTestId('assistant-message').count()).toBe(0);
  });

  it('raised no errors in the page', () => {
    expect(pageErrors()).toEqual([]);
  });
});
