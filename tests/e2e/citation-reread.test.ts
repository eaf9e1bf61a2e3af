/**
 * An answer's citations outlive a re-read, in a real browser: a PDF cited on page 2 is read again from the
 * library (a new id), and the old citation still opens the passage, marked in the text and highlighted on the
 * drawn page; a Markdown file added again with the cited sentence changed opens at the top with a note saying
 * the passage is no longer in it word for word.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPdf } from '../fixtures/documents/pdf.js';
import { harbourHandbook, lighthouseQuestion } from './fixtures.js';
import { repoRoot } from './hearth-server.js';
import { dropFiles, openAppSession, type AppSession } from './app-session.js';

const screenshotPath = path.join(repoRoot, 'tests/artifacts/citation-reread.png');
const missingScreenshotPath = path.join(repoRoot, 'tests/artifacts/citation-reread-missing.png');

const beekeeping = (smoker: string) => ({
  name: 'beekeeping.md',
  bytes: Array.from(Buffer.from(['# Beekeeping', '', '## Smokers', '', smoker, ''].join('\n'), 'utf8')),
});
const smokerSentence = 'Light the bee smoker with dry hessian and pine needles, and puff it gently at the hive entrance.';

let session: AppSession;
let page: Page;

beforeAll(async () => {
  session = await openAppSession('citation-reread');
  page = session.page;
}, 120_000);

afterAll(async () => {
  await session?.close();
});

const finishedAnswers = () => page.locator('[data-testid="assistant-message"]:not([data-streaming])');
const documentItem = (name: string) => page.getByTestId('document-item').filter({ hasText: name });
const uploadsDone = (name: string) => page.locator('[data-testid="upload-row"][data-stage="done"]').filter({ hasText: name });
const panel = () => page.getByTestId('citation-panel');

/** Asks and waits for the answer; returns the answer by position, which stays put as more answers come. */
async function askAndWait(question: string) {
  const before = await finishedAnswers().count();
  await page.getByTestId('question-input').fill(question);
  await page.getByTestId('ask-button').click();
  await expect.poll(() => finishedAnswers().count(), { timeout: 30_000 }).toBe(before + 1);
  return finishedAnswers().nth(before);
}

describe('citations of a document read again, in a browser', () => {
  it('opens the old citation of a re-read PDF at its passage, in the text and on page 2', async () => {
    await page.getByTestId('drop-zone').waitFor();
    await dropFiles(page, [{ name: harbourHandbook.name, bytes: Array.from(await buildPdf(harbourHandbook.spec)) }]);
    await uploadsDone(harbourHandbook.name).waitFor({ timeout: 60_000 });

    const answer = await askAndWait(lighthouseQuestion);
    const source = answer.getByTestId('citation-source').filter({ hasText: harbourHandbook.name }).first();
    const oldId = await source.getAttribute('data-document-id');
    expect(oldId).toBe(await documentItem(harbourHandbook.name).getAttribute('data-document-id'));

    await documentItem(harbourHandbook.name).getByTestId('document-reingest').click();
    const status = documentItem(harbourHandbook.name).getByTestId('document-reingest-status');
    await expect.poll(() => status.getAttribute('data-stage').catch(() => null), { timeout: 60_000 }).toBe('done');
    const newId = await documentItem(harbourHandbook.name).getAttribute('data-document-id');
    expect(newId).not.toBe(oldId);
    // The answer is history: its citation still names the reading it was made from.
    expect(await source.getAttribute('data-document-id')).toBe(oldId);

    await source.click();
    await panel().waitFor();
    const mark = panel().getByTestId('citation-mark');
    await mark.waitFor({ timeout: 15_000 });
    expect(await mark.textContent()).toContain('winds the clockwork lamp every nine hours');
    expect(await panel().getByTestId('citation-location').textContent()).toBe('page 2');
    const note = panel().getByTestId('citation-reread-note');
    expect(await note.getAttribute('data-passage')).toBe('same');
    expect(await note.textContent()).toContain('read again since this answer');
    expect(await panel().getByTestId('citation-error').count()).toBe(0);

    await panel().getByTestId('citation-view-page').click();
    const pageFigure = panel().getByTestId('citation-page');
    await pageFigure.waitFor({ timeout: 30_000 });
    expect(await pageFigure.getAttribute('data-page')).toBe('2');
    const highlight = panel().getByTestId('citation-page-highlight');
    await highlight.first().waitFor({ timeout: 30_000 });
    expect((await highlight.allTextContents()).join(' ')).toContain('lighthouse keeper');

    await panel().getByTestId('citation-view-text').click();
    await mark.waitFor();
    await mkdir(path.dirname(screenshotPath), { recursive: true });
    await page.screenshot({ path: screenshotPath });
  }, 150_000);

  it('opens a changed file’s old citation at the top, saying the passage is no longer in it word for word', async () => {
    await dropFiles(page, [beekeeping(smokerSentence)]);
    await uploadsDone('beekeeping.md').waitFor({ timeout: 60_000 });
    const answer = await askAndWait('What do I light the bee smoker with?');
    const source = answer.getByTestId('citation-source').filter({ hasText: 'beekeeping.md' }).first();
    const oldId = await source.getAttribute('data-document-id');

    // The same file, changed, dropped again: it replaces the old version under a new id.
    await dropFiles(page, [beekeeping('Light the bee smoker with dry grass, and puff it gently at the hive entrance.')]);
    await expect.poll(() => documentItem('beekeeping.md').getAttribute('data-document-id'), { timeout: 60_000 }).not.toBe(oldId);

    await source.click();
    const note = panel().getByTestId('citation-reread-note');
    await note.waitFor({ timeout: 15_000 });
    expect(await note.getAttribute('data-passage')).toBe('missing');
    expect(await note.textContent()).toBe('This document was read again since this answer; the cited passage is no longer in it word for word.');
    const text = panel().getByTestId('citation-text');
    await text.waitFor();
    expect(await text.textContent()).toContain('dry grass');
    expect(await panel().getByTestId('citation-mark').count()).toBe(0);
    await page.screenshot({ path: missingScreenshotPath });
  }, 120_000);

  it('raised no errors in the page', () => {
    expect(session.pageErrors).toEqual([]);
  });
});
