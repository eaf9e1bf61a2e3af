/**
 * Adding a file is a job that outlives its window: a long file dropped in one window goes on being read when
 * that window is closed mid-way, and a second window opened afterwards finds it running, follows its progress
 * and sees it finish. Real `hearth serve`, headless Chromium, the tiny ONNX encoder (so embedding takes a while).
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFile } from 'node:fs/promises';
import { writeTinyEncoder } from '../fixtures/models/onnx/index.js';
import { dropFiles, openAppSession, type AppSession } from './app-session.js';
import { repoRoot } from './hearth-server.js';

const screenshotPath = path.join(repoRoot, 'tests/artifacts/job-second-window.png');

/** A long logbook: thousands of short entries, so reading and embedding it takes seconds, not milliseconds. */
function logbook(): string {
  const entries = Array.from({ length: 6000 }, (_, i) => `## Entry ${i + 1}\n\nThe harbour master logged vessel ${i + 1} at berth ${(i % 40) + 1}, tide ${(i * 7) % 13} feet.`);
  return `# Harbour logbook\n\n${entries.join('\n\n')}\n`;
}

let session: AppSession;

beforeAll(async () => {
  session = await openAppSession('jobs-windows', {
    prepare: async (tmp) => {
      const library = path.join(tmp, 'models');
      await writeTinyEncoder(path.join(library, 'mini'));
      await writeFile(path.join(library, 'models.toml'), '[embed.mini]\npath = "mini"\nformat = "onnx"\n');
      return { modelLibrary: library };
    },
  });
}, 120_000);

afterAll(async () => {
  await session?.close();
});

describe('a file being added when its window closes', () => {
  it('is finished by the core, and a second window follows it to the end', async () => {
    const first = session.page;
    await first.getByTestId('drop-zone').waitFor();
    await dropFiles(first, [{ name: 'logbook.md', bytes: Array.from(Buffer.from(logbook(), 'utf8')) }]);
    // The core has the file and is working on it; the window goes away mid-way.
    await first.locator('[data-testid="upload-row"][data-stage="embedding"]').waitFor({ timeout: 60_000 });
    // Another tab of the same browser (with the last one closed, the browser would end its session and its cookie).
    const second = await session.browser.newPage();
    second.on('pageerror', (error) => session.pageErrors.push(`page error: ${error.message}`));
    await first.close();

    await second.goto(session.server.url.replace(/\?token=.*$/, '')); // the cookie from the first visit opens it
    const row = second.locator('[data-testid="upload-row"]').filter({ hasText: 'logbook.md' });
    await row.waitFor({ timeout: 30_000 });
    // Found while still under way, not only after the fact.
    expect(await row.getAttribute('data-stage')).not.toBe('done');
    await second.screenshot({ path: screenshotPath });

    await row.and(second.locator('[data-stage="done"]')).waitFor({ timeout: 120_000 });
    await expect.poll(() => second.getByTestId('document-item').filter({ hasText: 'logbook.md' }).count()).toBe(1);
    expect(session.pageErrors).toEqual([]);
  }, 180_000);
});
