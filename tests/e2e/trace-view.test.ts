/**
 * The trace of an answer, in a real browser: a question answered from a dropped file, its "Trace" opened under
 * the answer, and the waterfall drawn — the run's spans nested under it, the retrieval with its query and
 * passages, the totals on top — and a span opened to its attributes.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from './hearth-server.js';
import { dropFiles, openAppSession, type AppSession } from './app-session.js';

const screenshotPath = path.join(repoRoot, 'tests/artifacts/trace-view.png');
const harbour = {
  name: 'harbour.md',
  bytes: Array.from(Buffer.from('# Harbour\n\n## Ferry\n\nThe island ferry leaves at noon from the east pier, every day but Sunday.\n', 'utf8')),
};

let session: AppSession;
let page: Page;

beforeAll(async () => {
  session = await openAppSession('trace-view');
  page = session.page;
}, 120_000);

afterAll(async () => {
  await session?.close();
});

describe('the trace of an answer in a browser', () => {
  it('opens under the answer as a waterfall of its spans with their totals', async () => {
    await page.getByTestId('drop-zone').waitFor();
    await dropFiles(page, [harbour]);
    await page.locator('[data-testid="upload-row"][data-stage="done"]').filter({ hasText: harbour.name }).waitFor({ timeout: 60_000 });

    await page.getByTestId('question-input').fill('When does the ferry leave?');
    await page.getByTestId('ask-button').click();
    const answer = page.locator('[data-testid="assistant-message"]:not([data-streaming])').last();
    await answer.waitFor({ timeout: 60_000 });

    await answer.getByTestId('agent-trace').click();
    const waterfall = answer.getByTestId('trace-waterfall');
    await waterfall.waitFor({ timeout: 30_000 });
    const spans = waterfall.getByTestId('trace-span');
    await expect.poll(() => spans.count()).toBeGreaterThan(1);
    const retrieval = spans.and(page.locator('[data-category="retrieval"]')).first();
    expect(await retrieval.textContent()).toMatch(/“When does the ferry leave\?” · \d+ passages?/);
    expect(await waterfall.getByTestId('trace-totals').textContent()).toMatch(/Time.*Model calls.*Tokens in.*Tool calls/);
    // Every span ended: the run is over, nothing is drawn as still running.
    expect(await waterfall.locator('[data-testid="trace-span"][data-state="running"]').count()).toBe(0);

    await retrieval.getByRole('button').first().click();
    const details = retrieval.getByTestId('span-details');
    expect(await details.textContent()).toContain('hearth.retrieval.sources');
    expect(await details.textContent()).toContain('harbour.md › Harbour › Ferry');

    await mkdir(path.dirname(screenshotPath), { recursive: true });
    await answer.scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenshotPath, fullPage: true });
    expect(session.pageErrors).toEqual([]);
  }, 180_000);
});
