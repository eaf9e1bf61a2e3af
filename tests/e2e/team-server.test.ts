/**
 * A team server in real browsers: two people, each signed in with their own API token in their own browser. Ada
 * makes a space, adds a file and shares it with Bo as a viewer; Bo, without reloading, sees it appear labelled
 * "viewer" and cannot share it. Ada adds a file too large for one WebSocket frame (it streams to POST /upload); Bo, a
 * viewer, is offered no way to add or delete files there. A space Bo makes stays his. Then the server restarts under a file Ada is
 * adding: her page says the link is lost, comes back on its own and sees the file finish. Last, Bo's token is
 * revoked (his page goes back to the sign-in screen, saying why) and Ada signs out.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runHearth, startTeamServe, type ServingHearth } from '../fixtures/cli.js';
import { buildEncryptedPdf } from '../fixtures/documents/encrypted-pdf.js';
import { writeTinyEncoder } from '../fixtures/models/onnx/index.js';
import { connectTeam } from '../fixtures/team-client.js';
import { collectPageErrors, dropFiles } from './app-session.js';
import { launchChromium } from './browser.js';
import { fieldGuide, surveyReport } from './fixtures.js';
import { repoRoot } from './hearth-server.js';

/** A logbook long enough that embedding it with the tiny encoder takes seconds. */
function logbook(): string {
  const entries = Array.from({ length: 3000 }, (_, i) => `## Entry ${i + 1}\n\nThe harbour master logged vessel ${i + 1} at berth ${(i % 40) + 1}.`);
  return `# Harbour logbook\n\n${entries.join('\n\n')}\n`;
}


/**
 * What a browser says on its own about a refused request (the sign-in's 401s), and about a socket and a GET /session
 * to a server that is restarting: expected here.
 */
const expectedConsole = [
  /Failed to load resource: the server responded with a status of 40[013]/, // 400: a file /upload refuses
  // The restart: requests cut off as the server stops, or made before it is back.
  /Failed to load resource: net::ERR_CONNECTION_(REFUSED|RESET)/,
  /WebSocket connection to .* failed/,
];

interface Person {
  browser: BrowserContext;
  page: Page;
  errors: string[];
}

let tmp: string;
let dataDir: string;
let modelLibrary: string;
let server: ServingHearth;
const tokens: Record<string, string> = {};
let ada: Person;
let bo: Person;

async function hearth(args: string[]): Promise<string> {
  const run = await runHearth([...args, '--data-dir', dataDir]);
  if (run.code !== 0) throw new Error(`hearth ${args.join(' ')} failed (${run.code}): ${run.stderr}`);
  return run.stdout.trim();
}

function serve(extra: string[] = []): Promise<ServingHearth> {
  return startTeamServe(['--data-dir', dataDir, '--models', modelLibrary, ...extra], { cwd: repoRoot, timeoutMs: 30_000 });
}

async function openBrowser(name: string): Promise<Person> {
  const browser = await launchChromium(path.join(tmp, `chromium-${name}`));
  const page = browser.pages()[0] ?? (await browser.newPage());
  return { browser, page, errors: collectPageErrors(page) };
}

async function signIn(person: Person, token: string): Promise<void> {
  await person.page.getByTestId('signin-token').fill(token);
  await person.page.getByRole('button', { name: 'Sign in' }).click();
  await person.page.getByTestId('session-badge').waitFor();
}

const spaceOption = (page: Page, name: string) => page.locator('[data-testid="space-select"] option').filter({ hasText: name });
const currentSpace = (page: Page) => page.locator('[data-testid="space-select"] option:checked').textContent();

async function selectSpace(page: Page, name: string): Promise<void> {
  const value = await spaceOption(page, name).getAttribute('value');
  await page.getByTestId('space-select').selectOption(value!);
  await expect.poll(() => currentSpace(page)).toContain(name);
}

async function createSpace(page: Page, name: string): Promise<void> {
  await page.getByRole('button', { name: 'New space' }).click();
  await page.getByLabel('Name of the new space').fill(name);
  await page.getByRole('button', { name: 'Create' }).click();
  await expect.poll(() => currentSpace(page)).toContain(name);
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'hearth-e2e-team-'));
  dataDir = path.join(tmp, 'data');
  modelLibrary = path.join(tmp, 'models');
  await writeTinyEncoder(path.join(modelLibrary, 'mini'));
  await writeFile(path.join(modelLibrary, 'models.toml'), '[embed.mini]\npath = "mini"\nformat = "onnx"\n');
  for (const name of ['ada', 'bo']) {
    await hearth(['team', 'user', 'add', name]);
    tokens[name] = await hearth(['team', 'token', 'create', name]);
  }
  server = await serve();
  [ada, bo] = await Promise.all([openBrowser('ada'), openBrowser('bo')]);
}, 120_000);

afterAll(async () => {
  await Promise.all([ada?.browser.close(), bo?.browser.close()]);
  await server?.stop();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('a team server in two browsers', () => {
  it('asks each person to sign in, and says why a wrong token is refused', async () => {
    for (const person of [ada, bo]) {
      await person.page.goto(server.origin);
      await person.page.getByText(`Sign in to ${new URL(server.origin).host}`).waitFor();
    }
    expect(await ada.page.getByTestId('signin-token').getAttribute('type')).toBe('password');
    await ada.page.screenshot({ path: '/tmp/team-e2e-signin.png' });

    await bo.page.getByTestId('signin-token').fill('not-a-token');
    await bo.page.getByRole('button', { name: 'Sign in' }).click();
    const refusal = bo.page.getByRole('alert');
    await refusal.waitFor();
    expect(await refusal.textContent()).toMatch(/\S/);
    expect(await bo.page.getByTestId('session-badge').count()).toBe(0);

    await signIn(ada, tokens.ada!);
    await signIn(bo, tokens.bo!);
    expect(await ada.page.getByTestId('session-badge').textContent()).toContain('Signed in as ada · team server');
    expect(await bo.page.getByTestId('session-badge').textContent()).toContain('Signed in as bo · team server');
    // The cookie is the server's, HttpOnly: the page's scripts cannot read the token.
    expect(await ada.page.evaluate(() => document.cookie)).toBe('');
  });

  it('lets Ada share a space she made; Bo sees it appear, as a viewer, without reloading', async () => {
    await expect.poll(() => currentSpace(ada.page)).toContain('owner');
    await createSpace(ada.page, 'Harbour');
    await dropFiles(ada.page, [{ name: fieldGuide.name, bytes: Array.from(Buffer.from(fieldGuide.text, 'utf8')) }]);
    await ada.page.locator('[data-testid="upload-row"][data-stage="done"]').filter({ hasText: fieldGuide.name }).waitFor({ timeout: 60_000 });
    expect(await bo.page.locator('[data-testid="space-select"] option').filter({ hasText: 'Harbour' }).count()).toBe(0);

    await ada.page.getByTestId('share-button').click();
    const dialog = ada.page.getByTestId('share-dialog');
    await dialog.locator('[data-testid="share-member"][data-name="ada"]').waitFor();
    // A name nobody has is refused, in the dialog.
    await dialog.getByTestId('share-name').fill('nobody-here');
    await dialog.getByTestId('share-submit').click();
    await dialog.getByRole('alert').waitFor();
    await dialog.getByTestId('share-name').fill('bo');
    await dialog.getByTestId('share-role').selectOption('viewer');
    await dialog.getByTestId('share-submit').click();
    const boRow = dialog.locator('[data-testid="share-member"][data-name="bo"]');
    await boRow.waitFor();
    expect(await boRow.textContent()).toContain('viewer');
    expect(await dialog.getByRole('alert').count()).toBe(0);

    // Bo's window reads the spaces again on its own (every 10 s, or on focus).
    await expect.poll(() => spaceOption(bo.page, 'Harbour').count(), { timeout: 25_000 }).toBe(1);
    expect(await spaceOption(bo.page, 'Harbour').textContent()).toContain('· viewer');
    await selectSpace(bo.page, 'Harbour');
    await bo.page.getByTestId('document-item').filter({ hasText: fieldGuide.name }).waitFor();
    expect(await bo.page.getByTestId('share-button').count()).toBe(0);
    await bo.page.getByTestId('members-button').click();
    const members = bo.page.getByTestId('share-dialog');
    await members.locator('[data-testid="share-member"][data-name="ada"]').waitFor();
    expect(await members.locator('[data-testid="share-member"][data-name="bo"]').textContent()).toContain('viewer');
    expect(await members.getByTestId('share-submit').count()).toBe(0);
    expect(await members.getByRole('button', { name: 'Remove' }).count()).toBe(0);

    await ada.page.screenshot({ path: '/tmp/team-e2e-ada.png' });
    await bo.page.screenshot({ path: '/tmp/team-e2e-bo.png' });
    await ada.page.keyboard.press('Escape');
    await bo.page.keyboard.press('Escape');
  }, 120_000);

  it('streams a file too large for one frame to the server, and offers Bo, a viewer, no way to add or delete', async () => {
    const report = Buffer.from(surveyReport(), 'utf8');
    expect(report.length).toBeGreaterThan(800_000);
    const uploaded = ada.page.waitForResponse((response) => new URL(response.url()).pathname === '/upload');
    await dropFiles(ada.page, [{ name: 'survey.md', bytes: Array.from(report) }]);
    expect((await uploaded).status()).toBe(202);
    const row = ada.page.locator('[data-testid="upload-row"]').filter({ hasText: 'survey.md' });
    await row.and(ada.page.locator('[data-stage="done"]')).waitFor({ timeout: 90_000 });
    await ada.page.getByTestId('document-item').filter({ hasText: 'survey.md' }).waitFor();
    expect(await ada.page.getByTestId('connection-banner').count()).toBe(0); // the socket lived through it

    // Bo's window is on Harbour (it reads the spaces again on focus, and sees the new file): he reads its documents,
    // but nothing offers to change them.
    await bo.page.evaluate(() => window.dispatchEvent(new Event('focus')));
    await bo.page.getByTestId('document-item').filter({ hasText: 'survey.md' }).waitFor({ timeout: 25_000 });
    const zone = bo.page.getByTestId('drop-zone');
    expect(await zone.getAttribute('data-read-only')).toBe('true');
    expect(await zone.getAttribute('data-ready')).toBe('false');
    expect(await zone.textContent()).toContain('ask its owner for the editor role to add files');
    expect(await bo.page.getByRole('button', { name: 'Add files' }).isDisabled()).toBe(true);
    expect(await bo.page.getByTestId('document-delete').count()).toBe(0);
    expect(await bo.page.getByTestId('document-reingest').count()).toBe(0);
    // Ada, an owner, still has them.
    expect(await ada.page.getByTestId('document-delete').count()).toBeGreaterThan(0);
    await bo.page.screenshot({ path: '/tmp/team-e2e-bo-viewer.png' });
  }, 120_000);

  it('says on its row why the server refused a file, and adds an encrypted PDF once given its password', async () => {
    const page = ada.page;
    await dropFiles(page, [{ name: 'tides.xyz', bytes: Array.from(Buffer.from('high water 06:12', 'utf8')) }]);
    const refused = page.locator('[data-testid="upload-row"][data-stage="failed"]').filter({ hasText: 'tides.xyz' });
    await refused.waitFor({ timeout: 30_000 });
    expect(await refused.getByTestId('upload-error').textContent()).toContain('UNSUPPORTED_FORMAT');

    // The server keeps an upload that needs its password: the retry names it, with the password, over the socket.
    const pdf = buildEncryptedPdf({ userPassword: 'hearth', text: 'The harbour master keeps the vault code.' });
    await dropFiles(page, [{ name: 'vault.pdf', bytes: Array.from(pdf) }]);
    const row = page.locator('[data-testid="upload-row"]').filter({ hasText: 'vault.pdf' });
    await row.getByTestId('upload-password-input').fill('hearth', { timeout: 60_000 });
    await row.getByTestId('upload-password-submit').click();
    await row.and(page.locator('[data-stage="done"]')).waitFor({ timeout: 60_000 });
    await page.getByTestId('document-item').filter({ hasText: 'vault.pdf' }).waitFor();
  }, 90_000);

  it('keeps a space Bo makes to himself', async () => {
    await createSpace(bo.page, 'Bo notes');
    await expect.poll(() => currentSpace(bo.page)).toContain('· owner'); // team.me is asked again for the new space
    await ada.page.evaluate(() => window.dispatchEvent(new Event('focus')));
    const adaSees = await connectTeam(server.origin, tokens.ada);
    try {
      const names = ((await adaSees.call('spaces.list', {})) as Array<{ name: string }>).map((space) => space.name);
      expect(names).toContain('Harbour');
      expect(names).not.toContain('Bo notes');
    } finally {
      adaSees.close();
    }
    expect(await spaceOption(ada.page, 'Bo notes').count()).toBe(0);
  });

  it('rides out a server restart: the banner shows, then the file Ada was adding finishes', async () => {
    const page = ada.page;
    await dropFiles(page, [{ name: 'logbook.md', bytes: Array.from(Buffer.from(logbook(), 'utf8')) }]);
    const row = page.locator('[data-testid="upload-row"]').filter({ hasText: 'logbook.md' });
    await row.and(page.locator('[data-stage="embedding"]')).waitFor({ timeout: 60_000 });

    const port = new URL(server.origin).port;
    await server.stop();
    const banner = page.getByTestId('connection-banner');
    await banner.waitFor({ timeout: 15_000 });
    expect(await banner.textContent()).toContain('Connection to Hearth lost');
    // On the same port: the session cookie is named for it.
    server = await serve(['--port', port]);

    await row.and(page.locator('[data-stage="done"]')).waitFor({ timeout: 120_000 });
    await banner.waitFor({ state: 'detached', timeout: 30_000 });
    await page.getByTestId('document-item').filter({ hasText: 'logbook.md' }).waitFor();
    expect(await page.getByTestId('session-badge').textContent()).toContain('Signed in as ada');
  }, 200_000);

  it('sends Bo back to the sign-in screen, saying why, when his token is revoked', async () => {
    const [tokenId] = (await hearth(['team', 'token', 'list', 'bo'])).split('\n').map((line) => line.split('\t')[0]);
    await hearth(['team', 'token', 'revoke', tokenId!]);
    // His window's next request (its refresh, within 10 s) is refused and the server closes its socket with 4401.
    await bo.page.getByTestId('signin').waitFor({ timeout: 40_000 });
    await bo.page.getByTestId('signin-reason').waitFor();
    expect(await bo.page.getByTestId('signin-reason').textContent()).toMatch(/\S/);
    expect(await bo.page.getByTestId('connection-banner').count()).toBe(0);
    await bo.page.screenshot({ path: '/tmp/team-e2e-bo-revoked.png' });
  }, 60_000);

  it('signs Ada out, and a reload still asks for a sign-in', async () => {
    await ada.page.getByTestId('signout').click();
    await ada.page.getByTestId('signin').waitFor();
    await ada.page.reload();
    await ada.page.getByTestId('signin-token').waitFor();
    expect(await ada.page.getByTestId('session-badge').count()).toBe(0);
  });

  it('raised no errors in either page', () => {
    const unexpected = (errors: string[]) => errors.filter((error) => !expectedConsole.some((pattern) => pattern.test(error)));
    expect(unexpected(ada.errors)).toEqual([]);
    expect(unexpected(bo.errors)).toEqual([]);
  });
});
