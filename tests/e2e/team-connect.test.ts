/**
 * Connecting the local app to a team server. Ada runs Hearth in web mode on her machine and connects it, from the
 * header, to her team's server with her API token (a wrong one is refused, saying why). Her picker then shows this
 * computer's space and the team's side by side, each labelled; in the team's space she adds a file, which lands on
 * the team server; a space created there meanwhile appears in her picker on its own (the link's spaces are read
 * again every 10 s); a file too large for one WebSocket frame streams to the team's POST /upload with her token (a
 * CORS request from her local page); back in her local space everything still works; then she disconnects and the
 * team's spaces go.
 */
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runHearth, startTeamServe, type ServingHearth } from '../fixtures/cli.js';
import { writeTinyEncoder } from '../fixtures/models/onnx/index.js';
import { connectTeam, type TeamConnection } from '../fixtures/team-client.js';
import { dropFiles, openAppSession, type AppSession } from './app-session.js';
import { fieldGuide, gardenNotes, surveyReport } from './fixtures.js';
import { repoRoot } from './hearth-server.js';

let session: AppSession;
let team: ServingHearth;
let teamDataDir: string;
let adaToken: string;
let ada: TeamConnection;

async function hearth(args: string[]): Promise<string> {
  const run = await runHearth([...args, '--data-dir', teamDataDir]);
  if (run.code !== 0) throw new Error(`hearth ${args.join(' ')} failed (${run.code}): ${run.stderr}`);
  return run.stdout.trim();
}

const select = (page: Page) => page.getByTestId('space-select');
const currentSpace = (page: Page) => page.locator('[data-testid="space-select"] option:checked').textContent();

async function selectSpace(page: Page, origin: 'local' | 'team', name: string): Promise<void> {
  const value = await page.locator(`[data-testid="space-select"] option[data-origin="${origin}"]`).filter({ hasText: name }).getAttribute('value');
  await select(page).selectOption(value!);
  await expect.poll(() => currentSpace(page)).toContain(name);
}

/** The team's document names, as the team server itself lists them. */
async function teamDocuments(spaceId: string): Promise<string[]> {
  const documents = (await ada.call('documents.list', { spaceId })) as Array<{ name: string }>;
  return documents.map((document) => document.name);
}

let teamSpaceId: string;


beforeAll(async () => {
  session = await openAppSession('team-connect', {
    prepare: async (tmp) => {
      teamDataDir = path.join(tmp, 'team-data');
      const modelLibrary = path.join(tmp, 'models');
      await writeTinyEncoder(path.join(modelLibrary, 'mini'));
      await writeFile(path.join(modelLibrary, 'models.toml'), '[embed.mini]\npath = "mini"\nformat = "onnx"\n');
      await hearth(['team', 'user', 'add', 'ada']);
      adaToken = await hearth(['team', 'token', 'create', 'ada']);
      team = await startTeamServe(['--data-dir', teamDataDir, '--models', modelLibrary], { cwd: repoRoot, timeoutMs: 30_000 });
      return { modelLibrary };
    },
  });
  ada = await connectTeam(team.origin, adaToken, { via: 'subprotocol' });
  teamSpaceId = ((await ada.call('spaces.create', { name: 'Harbour team' })) as { id: string }).id;
}, 120_000);

afterAll(async () => {
  ada?.close();
  await team?.stop();
  await session?.close();
  if (teamDataDir) await rm(teamDataDir, { recursive: true, force: true });
});

describe('connecting the local app to a team server', () => {
  it('refuses a wrong token inline, then connects and shows both origins side by side', async () => {
    const { page } = session;
    await expect.poll(() => currentSpace(page)).toContain('My space');
    expect(await page.locator('[data-testid="space-select"] optgroup').count()).toBe(0);

    await page.getByTestId('team-connect').click();
    await page.getByTestId('team-connect-url').fill(team.origin);
    await page.getByTestId('team-connect-token').fill('not-a-token');
    await page.getByTestId('team-connect-submit').click();
    const refusal = page.getByTestId('team-connect-panel').getByRole('alert');
    await refusal.waitFor({ timeout: 20_000 });
    expect(await refusal.textContent()).toContain(new URL(team.origin).host);

    await page.getByTestId('team-connect-token').fill(adaToken);
    await page.getByTestId('team-connect-submit').click();
    await page.getByTestId('team-connected').waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('team-connected').textContent()).toContain('as ada');
    // The token is in neither the address bar nor the page's storage.
    expect(page.url()).not.toContain(adaToken);
    expect(await page.evaluate(() => JSON.stringify({ ...localStorage, ...sessionStorage }))).not.toContain(adaToken);

    const groups = page.locator('[data-testid="space-select"] optgroup');
    expect(await groups.evaluateAll((nodes) => nodes.map((node) => node.getAttribute('label')))).toEqual([
      'This computer',
      `Team: ${new URL(team.origin).host}`,
    ]);
    expect(await page.locator('option[data-origin="local"]').filter({ hasText: 'My space' }).count()).toBe(1);
    const teamOption = page.locator('option[data-origin="team"]').filter({ hasText: 'Harbour team' });
    expect(await teamOption.textContent()).toContain('· owner');
    await page.screenshot({ path: '/tmp/team-connect-panel.png' });
    await page.getByTestId('team-connect').click(); // closes the panel
  }, 60_000);

  it('shows a space created on the team server meanwhile, without a click', async () => {
    const { page } = session;
    const before = Date.now();
    // Created over Ada's own socket to the team server (as another of her windows would): the local page is not told.
    await ada.call('spaces.create', { name: 'Lighthouse team' });
    const lighthouse = page.locator('[data-testid="space-select"] option[data-origin="team"]').filter({ hasText: 'Lighthouse team' });
    await expect.poll(() => lighthouse.count(), { timeout: 15_000, interval: 250 }).toBe(1);
    expect(Date.now() - before).toBeLessThan(15_000);
    expect(await lighthouse.textContent()).toContain('· owner');
    expect(await currentSpace(page)).toContain('My space'); // the picker gained a space; the window stayed where it was
  }, 30_000);

  it('adds a file to the team space over the team link; the team server has it', async () => {
    const { page } = session;
    await selectSpace(page, 'team', 'Harbour team');
    await dropFiles(page, [{ name: fieldGuide.name, bytes: Array.from(Buffer.from(fieldGuide.text, 'utf8')) }]);
    await page.locator('[data-testid="upload-row"][data-stage="done"]').filter({ hasText: fieldGuide.name }).waitFor({ timeout: 60_000 });
    await page.getByTestId('document-item').filter({ hasText: fieldGuide.name }).waitFor();
    expect(await teamDocuments(teamSpaceId)).toContain(fieldGuide.name);
    await page.screenshot({ path: '/tmp/team-connect.png' });
  }, 90_000);

  it('streams a file too large for one frame to the team server\'s POST /upload, with the token as a bearer', async () => {
    const { page } = session;
    await expect.poll(() => currentSpace(page)).toContain('Harbour team');
    const uploaded = page.waitForResponse(
      (response) => response.request().method() === 'POST' && response.url().startsWith(`${team.origin}/upload`),
      { timeout: 60_000 },
    );
    await dropFiles(page, [{ name: 'survey.md', bytes: Array.from(Buffer.from(surveyReport(), 'utf8')) }]);
    const response = await uploaded;
    expect(response.status()).toBe(202);
    expect(await response.request().headerValue('authorization')).toBe(`Bearer ${adaToken}`);
    expect(await response.request().headerValue('cookie')).toBeNull();
    await page.locator('[data-testid="upload-row"][data-stage="done"]').filter({ hasText: 'survey.md' }).waitFor({ timeout: 120_000 });
    await page.getByTestId('document-item').filter({ hasText: 'survey.md' }).waitFor();
    expect(await teamDocuments(teamSpaceId)).toContain('survey.md');
  }, 180_000);

  it('goes back to the local space, which still works and holds nothing of the team', async () => {
    const { page } = session;
    await selectSpace(page, 'local', 'My space');
    expect(await page.getByTestId('document-item').filter({ hasText: fieldGuide.name }).count()).toBe(0);
    await dropFiles(page, [{ name: gardenNotes.name, bytes: Array.from(Buffer.from(gardenNotes.text, 'utf8')) }]);
    await page.locator('[data-testid="upload-row"][data-stage="done"]').filter({ hasText: gardenNotes.name }).waitFor({ timeout: 60_000 });
    await page.getByTestId('document-item').filter({ hasText: gardenNotes.name }).waitFor();
    expect(await teamDocuments(teamSpaceId)).not.toContain(gardenNotes.name);
  }, 90_000);

  it('disconnects: the team spaces leave the picker and the window is on a local space', async () => {
    const { page } = session;
    await selectSpace(page, 'team', 'Harbour team');
    await page.getByTestId('team-connect').click();
    await page.getByTestId('team-disconnect').click();
    await expect.poll(() => page.locator('[data-testid="space-select"] optgroup').count()).toBe(0);
    expect(await page.locator('[data-testid="space-select"] option').filter({ hasText: 'Harbour team' }).count()).toBe(0);
    await expect.poll(() => currentSpace(page)).toContain('My space');
    await page.getByTestId('document-item').filter({ hasText: gardenNotes.name }).waitFor();
    expect(await page.getByTestId('team-connect').textContent()).toBe('Connect to a team server');
    // A refused upgrade is reported by the browser itself; nothing else went wrong.
    expect(session.pageErrors.filter((error) => !/WebSocket connection to .* failed|status of 401/.test(error))).toEqual([]);
  }, 60_000);
});
