/**
 * An encrypted PDF in a real browser: dropped, it asks for its password; a wrong one asks again; the right one
 * ingests the same file and lists it. The password never shows up in the page, the console or the upload row.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEncryptedPdf } from '../fixtures/documents/encrypted-pdf.js';
import { dropFiles, openAppSession, type AppSession } from './app-session.js';

const name = 'vault.pdf';
const rightPassword = 'hearth';
const wrongPassword = 'lighthouse-9';

let session: AppSession;
let page: Page;
const consoleLines: string[] = [];

beforeAll(async () => {
  session = await openAppSession('password');
  page = session.page;
  page.on('console', (message) => consoleLines.push(message.text()));
}, 120_000);

afterAll(async () => {
  await session?.close();
});

const uploadRow = () => page.locator('[data-testid="upload-row"]').filter({ hasText: name });
const passwordInput = () => uploadRow().getByTestId('upload-password-input');
const documentItems = () => page.getByTestId('document-item');

async function submitPassword(password: string) {
  await passwordInput().fill(password);
  await uploadRow().getByTestId('upload-password-submit').click();
}

describe('an encrypted PDF in a browser', () => {
  it('asks for the password when the PDF is dropped', async () => {
    await page.getByTestId('drop-zone').waitFor();
    const pdf = buildEncryptedPdf({ userPassword: rightPassword, text: 'The vault code is kept by the harbour master.' });
    await dropFiles(page, [{ name, bytes: Array.from(pdf) }]);

    await uploadRow().and(page.locator('[data-stage="failed"]')).waitFor({ timeout: 60_000 });
    expect(await uploadRow().getByTestId('upload-error').textContent()).toContain('PASSWORD_REQUIRED');
    const input = page.getByLabel(`Password for ${name}`);
    await input.waitFor();
    expect(await input.getAttribute('type')).toBe('password');
    expect(await input.getAttribute('data-testid')).toBe('upload-password-input');
    expect(await documentItems().count()).toBe(0);
  }, 90_000);

  it('asks again after a wrong password', async () => {
    await submitPassword(wrongPassword);
    await expect
      .poll(() => uploadRow().getByTestId('upload-error').textContent().catch(() => null), { timeout: 60_000 })
      .toContain('PASSWORD_INCORRECT');
    expect(await uploadRow().getAttribute('data-stage')).toBe('failed');
    expect(await uploadRow().getByTestId('upload-error').textContent()).toContain('Wrong password');
    await passwordInput().waitFor();
    expect(await passwordInput().inputValue()).toBe('');
    expect(await documentItems().count()).toBe(0);
  }, 90_000);

  it('ingests the same file with the right password and lists it', async () => {
    await submitPassword(rightPassword);
    await uploadRow().and(page.locator('[data-stage="done"]')).waitFor({ timeout: 60_000 });
    expect(await passwordInput().count()).toBe(0);
    expect(await uploadRow().getByTestId('upload-error').count()).toBe(0);
    await expect.poll(() => documentItems().count()).toBe(1);
    expect(await documentItems().first().textContent()).toContain(name);
  }, 90_000);

  it('kept the password out of the page, the console and the browser storage', async () => {
    // 'hearth' is also the app's name (and its storage keys), so the distinctive wrong password is what is looked for.
    const html = await page.content();
    const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }));
    expect(html).not.toContain(wrongPassword);
    expect(stored).not.toContain(wrongPassword);
    expect(consoleLines.join('\n')).not.toContain(wrongPassword);
    const inputValues = await page.locator('input').evaluateAll((inputs) => inputs.map((input) => (input as HTMLInputElement).value));
    expect(inputValues).not.toContain(rightPassword);
  });

  it('raised no errors in the page', () => {
    expect(session.pageErrors).toEqual([]);
  });
});
