/**
 * Switching the embedding model, end to end, in a real browser against `hearth serve`: a space holds a few
 * hundred passages embedded by the built-in hash embedder; the user imports a tiny ONNX encoder on the Models
 * page (the first one becomes the active model), then a second one and presses Use. Each time a calm banner
 * counts the passages embedded again and goes away when done; a question asked meanwhile says it waits, then
 * is answered. A damaged model's failure is shown with what to do. The encoders have the shape of a small real model so the work lasts long enough to be seen.
 */
import { mkdir, truncate } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTinyEncoder } from '../fixtures/models/onnx/index.js';
import { dropFiles, openAppSession, type AppSession } from './app-session.js';
import { repoRoot } from './hearth-server.js';

const screenshotPath = path.join(repoRoot, 'tests/artifacts/space-preparation.png');
const failureScreenshotPath = path.join(repoRoot, 'tests/artifacts/space-preparation-failed.png');
/** Embedding a few hundred passages with the 4-layer encoder takes seconds; much longer on a loaded machine. */
const EMBED_TIMEOUT_MS = 180_000;
const WORDS = 'the fire in hearth keeps kitchen warm bread oven winter snow night library document search river forest music school coffee milk'.split(' ');
const PROGRESS = /^Preparing search for the new embedding model: ([\d,]+) of ([\d,]+) passages$/;

/** A Markdown handbook of short sections, one passage or so each. */
function handbook(title: string, sections: number): string {
  const parts = [`# ${title}`, '', `How the ${title.toLowerCase()} is kept.`];
  for (let i = 0; i < sections; i++) {
    const words = Array.from({ length: 110 }, (_, k) => WORDS[(i * 5 + k * 3 + k * k) % WORDS.length]).join(' ');
    parts.push('', `## ${title} part ${i + 1}`, '', `${words}.`);
  }
  parts.push('', '## Kettle', '', 'The copper kettle in the north workshop is descaled every 41 days with white vinegar.');
  return parts.join('\n');
}

let session: AppSession;
let page: Page;
let incoming: string;
const banner = () => page.getByTestId('preparation-banner');
const entry = (kind: string, alias: string) => page.locator(`[data-testid="model-entry"][data-kind="${kind}"][data-alias="${alias}"]`);

beforeAll(async () => {
  session = await openAppSession('preparation', {
    prepare: async (tmp) => {
      const library = path.join(tmp, 'library');
      incoming = path.join(tmp, 'incoming');
      await mkdir(library, { recursive: true });
      await mkdir(incoming, { recursive: true });
      const shape = { hidden: 256, layers: 4, heads: 4 };
      await writeTinyEncoder(path.join(incoming, 'mini-encoder'), shape);
      await writeTinyEncoder(path.join(incoming, 'mini-encoder-b'), { ...shape, seed: 2 });
      // Copied whole by the import, which reads only config.json; the model itself cannot be loaded.
      await writeTinyEncoder(path.join(incoming, 'damaged-encoder'));
      await truncate(path.join(incoming, 'damaged-encoder', 'onnx', 'model.onnx'), 1000);
      return { modelLibrary: library };
    },
  });
  page = session.page;
}, 120_000);

afterAll(async () => {
  await session?.close();
});

/** Records every progress text the banner shows, however briefly, in the page. */
async function recordBanner(): Promise<void> {
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { preparationSeen: string[] }).preparationSeen = seen;
    new MutationObserver(() => {
      const text = document.querySelector('[data-testid="preparation-progress"]')?.textContent;
      if (text && seen.at(-1) !== text) seen.push(text);
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
}

async function bannerTexts(): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { preparationSeen: string[] }).preparationSeen);
}

/** The passages the banner counted, in the order shown: each `[done, total]`. */
function countsOf(texts: string[]): Array<[number, number]> {
  return texts.flatMap((text) => {
    const match = PROGRESS.exec(text);
    return match ? [[Number(match[1]!.replace(/,/g, '')), Number(match[2]!.replace(/,/g, ''))] as [number, number]] : [];
  });
}

async function passagesInLibrary(): Promise<number> {
  const texts = await page.getByTestId('document-item').allTextContents();
  return texts.reduce((sum, text) => sum + Number(/(\d+) passages?/.exec(text)?.[1] ?? 0), 0);
}

async function importByPath(source: string, alias: string): Promise<void> {
  const earlier = await page.getByTestId('import-result').count();
  await page.getByTestId('import-path-input').fill(source);
  await page.getByTestId('import-alias-input').fill(alias);
  await page.getByTestId('import-button').click();
  await expect.poll(() => page.getByTestId('import-result').count()).toBe(earlier + 1);
  await expect.poll(() => page.getByTestId('import-result').first().getAttribute('data-status'), { timeout: 30_000 }).toBe('done');
}

describe('switching the embedding model', () => {
  let passages = 0;

  it('starts with a space of a few hundred passages and no banner', async () => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await dropFiles(
      page,
      ['Kitchen', 'Library', 'Garden'].map((title) => ({ name: `${title.toLowerCase()}.md`, bytes: [...Buffer.from(handbook(title, 100))] })),
    );
    await expect.poll(() => page.locator('[data-testid="upload-row"][data-stage="done"]').count(), { timeout: 60_000 }).toBe(3);
    await expect.poll(() => page.getByTestId('document-item').count()).toBe(3);
    passages = await passagesInLibrary();
    expect(passages).toBeGreaterThan(200);
    expect(await banner().count()).toBe(0);
  });

  it('imports a tiny encoder on the Models page: the banner counts the passages embedded again, then goes', async () => {
    await page.getByTestId('models-tab').click();
    await page.getByTestId('models-page').waitFor();
    await recordBanner();
    await importByPath(path.join(incoming, 'mini-encoder'), 'mini');
    await expect.poll(() => page.getByTestId('active-embed').textContent()).toBe('mini');

    // Seen from the Models page too: the banner sits above both pages.
    await expect.poll(async () => PROGRESS.test((await page.getByTestId('preparation-progress').textContent().catch(() => '')) ?? ''), { timeout: 30_000 }).toBe(true);
    await expect.poll(() => banner().count(), { timeout: EMBED_TIMEOUT_MS }).toBe(0);

    const counts = countsOf(await bannerTexts());
    expect(counts.length).toBeGreaterThan(1);
    expect(counts[0]).toEqual([0, passages]);
    for (let i = 1; i < counts.length; i++) {
      expect(counts[i]![1]).toBe(passages);
      expect(counts[i]![0]).toBeGreaterThan(counts[i - 1]![0]);
    }
  }, EMBED_TIMEOUT_MS + 60_000);

  it('switches to a second encoder with Use; a question asked meanwhile waits for it, then is answered', async () => {
    await importByPath(path.join(incoming, 'mini-encoder-b'), 'mini-b');
    expect(await page.getByTestId('active-embed').textContent()).toBe('mini');
    await recordBanner();
    await entry('embed', 'mini-b').getByTestId('model-use-button').click();
    await entry('embed', 'mini-b').getByTestId('active-badge').waitFor();
    await expect.poll(() => banner().count(), { timeout: 30_000 }).toBe(1);

    await page.getByTestId('documents-tab').click();
    await page.getByTestId('question-input').fill('How often is the copper kettle descaled?');
    await page.getByTestId('ask-button').click();
    // Midway, so the picture shows the count moving.
    await expect
      .poll(async () => countsOf([(await page.getByTestId('preparation-progress').textContent().catch(() => '')) ?? ''])[0]?.[0] ?? 0, { timeout: 30_000 })
      .toBeGreaterThan(0);
    expect(await page.getByTestId('answers-wait').textContent()).toMatch(/^Answers wait until search is ready \([\d,]+ of [\d,]+ passages embedded\)\.$/);
    expect(await page.locator('[data-testid="assistant-message"][data-streaming="true"]').textContent()).toContain('Waiting for search to be ready');
    await mkdir(path.dirname(screenshotPath), { recursive: true });
    await page.screenshot({ path: screenshotPath });

    await expect.poll(() => banner().count(), { timeout: EMBED_TIMEOUT_MS }).toBe(0);
    expect(await page.getByTestId('answers-wait').count()).toBe(0);
    const answer = page.locator('[data-testid="assistant-message"]:not([data-streaming])').last();
    await expect.poll(() => answer.textContent(), { timeout: 30_000 }).toContain('descaled every 41 days');
    expect(countsOf(await bannerTexts())[0]).toEqual([0, passages]);
  }, EMBED_TIMEOUT_MS + 60_000);

  it('says what failed, and what to do, when the new model cannot be loaded; switching back clears it', async () => {
    await page.getByTestId('models-tab').click();
    await importByPath(path.join(incoming, 'damaged-encoder'), 'damaged');
    await entry('embed', 'damaged').getByTestId('model-use-button').click();
    await expect.poll(() => banner().getAttribute('data-status').catch(() => null), { timeout: 30_000 }).toBe('failed');
    const failure = (await banner().textContent()) ?? '';
    expect(failure).toContain('Search could not be prepared for the new embedding model: MODEL_INVALID');
    expect(failure).toContain('Check the embedding model on the Models page, or switch to another one, then try again.');
    await page.screenshot({ path: failureScreenshotPath });

    // Trying again fails the same way, and says so again.
    await banner().getByTestId('preparation-retry').click();
    await expect.poll(() => banner().getAttribute('data-status').catch(() => null), { timeout: 30_000 }).toBe('failed');

    await entry('embed', 'mini-b').getByTestId('model-use-button').click();
    await expect.poll(() => banner().count(), { timeout: EMBED_TIMEOUT_MS }).toBe(0);
  }, EMBED_TIMEOUT_MS + 60_000);

  it('raised no errors in the page', () => {
    expect(session.pageErrors).toEqual([]);
  });
});
