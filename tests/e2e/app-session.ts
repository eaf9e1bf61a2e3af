/**
 * One browser story's setup: `hearth serve` on a temp data folder, headless Chromium on its own profile,
 * the app opened at the address the server printed, and every page error or console error collected for the final assertion.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { launchChromium } from './browser.js';
import { startHearthServer, type RunningServer } from './hearth-server.js';

export interface AppSession {
  tmp: string;
  server: RunningServer;
  browser: BrowserContext;
  page: Page;
  pageErrors: string[];
  close(): Promise<void>;
}

export async function openAppSession(
  prefix: string,
  options: { prepare?: (tmp: string) => Promise<{ modelLibrary?: string } | void>; chromiumArgs?: string[] } = {},
): Promise<AppSession> {
  const tmp = await mkdtemp(path.join(os.tmpdir(), `hearth-e2e-${prefix}-`));
  const prepared = (await options.prepare?.(tmp)) ?? {};
  const server = await startHearthServer(path.join(tmp, 'data'), prepared.modelLibrary ? { modelLibrary: prepared.modelLibrary } : {});
  const browser = await launchChromium(path.join(tmp, 'chromium-profile'), options.chromiumArgs);
  const page = browser.pages()[0] ?? (await browser.newPage());
  const pageErrors = collectPageErrors(page);
  await page.goto(server.url); // the address `hearth serve` printed, key and all, as the user opens it
  return {
    tmp,
    server,
    browser,
    page,
    pageErrors,
    async close() {
      await browser.close();
      await server.stop();
      await rm(tmp, { recursive: true, force: true });
    },
  };
}

/** Every page error and console error `page` raises from now on, for a story's final assertion. */
export function collectPageErrors(page: Page): string[] {
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(`console error: ${message.text()}`);
  });
  return pageErrors;
}

/** Drops files on the drop zone the way the OS does: a real DataTransfer carried by dragenter, dragover and drop. */
export async function dropFiles(page: Page, files: Array<{ name: string; bytes: number[] }>): Promise<void> {
  // As a user would, wait until the zone takes files (connected, a space open): a drop before that is refused.
  await page.locator('[data-testid="drop-zone"][data-ready="true"]').waitFor({ timeout: 60_000 });
  const dataTransfer = await page.evaluateHandle((list) => {
    const transfer = new DataTransfer();
    for (const file of list) transfer.items.add(new File([new Uint8Array(file.bytes)], file.name));
    return transfer;
  }, files);
  for (const type of ['dragenter', 'dragover', 'drop']) {
    await page.dispatchEvent('[data-testid="drop-zone"]', type, { dataTransfer });
  }
  await dataTransfer.dispose();
}
