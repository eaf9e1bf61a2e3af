/**
 * The Models page, end to end, in a real browser against `hearth serve --models <folder>`: a library that
 * starts with only a broken entry, into which the user imports a tiny GGUF, a tiny embedding model and a
 * tiny reranker by path, smoke-checks each, switches the active LLM, and sees a fake GGUF refused.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTinyCrossEncoder, writeTinyEncoder } from '../fixtures/models/onnx/index.js';
import { writeTinyLlama } from '../fixtures/models/tiny-llama.js';
import { repoRoot } from './hearth-server.js';
import { dropFiles, openAppSession, type AppSession } from './app-session.js';

const screenshotPath = path.join(repoRoot, 'tests/artifacts/models-page.png');
/** Loading a model and running it for the first time can take a while on a slow CPU. */
const CHECK_TIMEOUT_MS = 120_000;

/** A library someone edited by hand: line 3 has a typo in a key, and the entry has no `format`. */
const brokenLibrary = ['# Models for the browser story', '[llm.broken]', 'formt = "gguf"', 'path = "nowhere.gguf"', ''].join('\n');

let session: AppSession;
let page: Page;
let incoming: string;
const pageErrors = () => session.pageErrors;

beforeAll(async () => {
  session = await openAppSession('models', {
    prepare: async (tmp) => {
      const library = path.join(tmp, 'library');
      incoming = path.join(tmp, 'incoming');
      await mkdir(library, { recursive: true });
      await mkdir(incoming, { recursive: true });
      await writeFile(path.join(library, 'models.toml'), brokenLibrary);
      await writeTinyLlama(path.join(incoming, 'tiny-llama.gguf'));
      await writeTinyLlama(path.join(incoming, 'tiny-llama-b.gguf'), { seed: 2 });
      await writeTinyEncoder(path.join(incoming, 'mini-encoder'));
      await writeTinyCrossEncoder(path.join(incoming, 'mini-judge'));
      await writeFile(path.join(incoming, 'x.gguf'), 'These are notes someone saved with the wrong extension.\n');
      return { modelLibrary: library };
    },
  });
  page = session.page;
}, 120_000);

afterAll(async () => {
  await session?.close();
});

const entry = (kind: string, alias: string) => page.locator(`[data-testid="model-entry"][data-kind="${kind}"][data-alias="${alias}"]`);
const latestImport = () => page.getByTestId('import-result').first();
const stepsOf = (kind: string, alias: string) =>
  entry(kind, alias)
    .getByTestId('smoke-step')
    .evaluateAll((steps) =>
      steps.map((step) => ({ name: step.getAttribute('data-step'), ok: step.getAttribute('data-ok'), text: step.textContent ?? '' })),
    );

/** Types a path (and an alias) into the import form and waits for the import's row to settle. */
async function importByPath(source: string, alias?: string): Promise<string> {
  const earlier = await page.getByTestId('import-result').count();
  await page.getByTestId('import-path-input').fill(source);
  await page.getByTestId('import-alias-input').fill(alias ?? '');
  await page.getByTestId('import-button').click();
  await expect.poll(() => page.getByTestId('import-result').count()).toBe(earlier + 1);
  const row = latestImport();
  await expect.poll(() => row.getAttribute('data-status'), { timeout: 30_000 }).not.toBe('running');
  expect(await row.textContent()).toContain(path.basename(source));
  return (await row.textContent()) ?? '';
}

/** Presses Check on an entry and waits for its report. */
async function check(kind: string, alias: string): Promise<void> {
  await entry(kind, alias).getByTestId('model-check-button').click();
  await entry(kind, alias).getByTestId('smoke-report').or(entry(kind, alias).getByTestId('smoke-error')).waitFor({ timeout: CHECK_TIMEOUT_MS });
}

describe('the Models page', () => {
  it('opens from the header, keeping what was typed on the documents page', async () => {
    await expect.poll(() => page.getByTestId('answer-mode').textContent()).toContain('No language model configured');
    await page.getByTestId('question-input').fill('A question I have not asked yet');

    await page.getByTestId('models-tab').click();
    await page.getByTestId('models-page').waitFor();
    expect(await page.getByTestId('question-input').isVisible()).toBe(false);

    await page.getByTestId('documents-tab').click();
    expect(await page.getByTestId('question-input').inputValue()).toBe('A question I have not asked yet');
    await page.getByTestId('models-tab').click();
  });

  it('says that no LLM is in use and that the built-in hash embedder answers', async () => {
    await page.getByTestId('models-in-use').waitFor();
    expect(await page.getByTestId('active-llm').textContent()).toContain('none — answers quote passages');
    expect(await page.getByTestId('embedder-notice').textContent()).toBe('built-in hash embedder — no embedding model installed');
    expect(await page.getByTestId('model-entry').count()).toBe(0);
    expect(await page.getByTestId('library-file').textContent()).toContain('models.toml');
  });

  it('lists the problems of models.toml with their lines', async () => {
    const problems = await page.getByTestId('library-problem').allTextContents();
    expect(problems.some((text) => text.startsWith('models.toml line 3:') && text.includes('formt'))).toBe(true);
  });

  it('imports the tiny GGUF by path and shows what its header says', async () => {
    const result = await importByPath(path.join(incoming, 'tiny-llama.gguf'), 'tiny');
    expect(result).toContain('Imported llm.tiny v1');

    const tiny = entry('llm', 'tiny');
    await tiny.waitFor();
    expect(await tiny.locator('[data-detail="architecture"]').textContent()).toBe('llama');
    expect(await tiny.locator('[data-detail="parameters"]').textContent()).toMatch(/^\d+(\.\d)?[KMB]?$/);
    expect(await tiny.locator('[data-detail="size"]').textContent()).toMatch(/\d (KB|MB)$/);
    expect(await tiny.getByTestId('active-badge').count()).toBe(1);
    await expect.poll(() => page.getByTestId('active-llm').textContent()).toBe('tiny');
    await expect.poll(() => page.getByTestId('answer-mode').textContent()).toContain('local language model');
  });

  it('says so when the same file is imported again', async () => {
    const result = await importByPath(path.join(incoming, 'tiny-llama.gguf'), 'tiny');
    expect(result).toContain('llm.tiny v1 is already in the library');
    expect(await page.locator('[data-testid="model-entry"][data-kind="llm"]').count()).toBe(1);
  });

  it('checks the LLM: it loads and completes, each step timed', async () => {
    await check('llm', 'tiny');
    const steps = await stepsOf('llm', 'tiny');
    expect(steps.map((step) => step.name)).toEqual(['load', 'complete']);
    for (const step of steps) {
      expect(step.ok, step.text).toBe('true');
      expect(step.text).toMatch(/^✓/);
      expect(step.text).toMatch(/\d ms/);
    }
  }, CHECK_TIMEOUT_MS + 10_000);

  it('imports the tiny encoder folder as an embedding model and checks it', async () => {
    const result = await importByPath(path.join(incoming, 'mini-encoder'), 'mini');
    expect(result).toContain('Imported embed.mini v1');
    await entry('embed', 'mini').waitFor();
    await expect.poll(() => page.getByTestId('active-embed').textContent()).toBe('mini');
    expect(await page.getByTestId('embedder-notice').count()).toBe(0);

    await check('embed', 'mini');
    const steps = await stepsOf('embed', 'mini');
    expect(steps.map((step) => [step.name, step.ok])).toEqual([
      ['load', 'true'],
      ['embed', 'true'],
    ]);
    expect(steps[1]!.text).toContain('dimensions');
  }, CHECK_TIMEOUT_MS + 10_000);

  it('imports the tiny cross-encoder as a reranker and checks it', async () => {
    const result = await importByPath(path.join(incoming, 'mini-judge'), 'judge');
    expect(result).toContain('Imported rerank.judge v1');
    await expect.poll(() => page.getByTestId('active-rerank').textContent()).toBe('judge');

    await check('rerank', 'judge');
    const steps = await stepsOf('rerank', 'judge');
    expect(steps.map((step) => [step.name, step.ok])).toEqual([
      ['load', 'true'],
      ['rerank', 'true'],
    ]);
  }, CHECK_TIMEOUT_MS + 10_000);

  it('switches the active LLM with Use', async () => {
    await importByPath(path.join(incoming, 'tiny-llama-b.gguf'), 'tiny-b');
    const other = entry('llm', 'tiny-b');
    await other.waitFor();
    expect(await other.getByTestId('active-badge').count()).toBe(0);
    expect(await entry('llm', 'tiny').getByTestId('model-use-button').count()).toBe(0);

    await other.getByTestId('model-use-button').click();
    await other.getByTestId('active-badge').waitFor();
    expect(await entry('llm', 'tiny').getByTestId('active-badge').count()).toBe(0);
    expect(await entry('llm', 'tiny').getByTestId('model-use-button').count()).toBe(1);
    expect(await page.getByTestId('active-llm').textContent()).toBe('tiny-b');
    // The check made earlier stays beside its entry.
    expect(await entry('llm', 'tiny').getByTestId('smoke-step').count()).toBe(2);
  });

  it('refuses a file that is not a GGUF with MODEL_INVALID, and keeps working', async () => {
    const before = await page.getByTestId('model-entry').count();
    const result = await importByPath(path.join(incoming, 'x.gguf'));
    expect(await latestImport().getAttribute('data-status')).toBe('failed');
    expect(result).toContain('MODEL_INVALID');
    expect(await page.getByTestId('model-entry').count()).toBe(before);

    expect(await importByPath(path.join(incoming, 'tiny-llama.gguf'), 'tiny')).toContain('llm.tiny v1 is already in the library');
    expect(await page.getByTestId('library-problem').count()).toBeGreaterThan(0);
  });

  it('looks clean', async () => {
    // Tall enough to show every group of the library at once.
    await page.setViewportSize({ width: 1440, height: 1300 });
    await page.getByTestId('models-page').evaluate((element) => element.scrollTo(0, 0));
    await mkdir(path.dirname(screenshotPath), { recursive: true });
    await page.screenshot({ path: screenshotPath });
  });

  it('raised no errors in the page', () => {
    expect(pageErrors()).toEqual([]);
  });
});
