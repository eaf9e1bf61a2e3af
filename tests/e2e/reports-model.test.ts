/**
 * Reports drafted by a language model, in a real browser: the model is configured as a user does it (an
 * OpenAI-compatible entry in models.toml) and served by Hearth's own /v1 in this process with a scripted model
 * behind it — the one place the tests script. A milestone plan whose first draft goes round in a cycle shows
 * the repair round with its errors, then the plan's table and its calendar file; a meeting agenda shows its table;
 * a summary that never validates fails showing its last errors; a report cancelled while it is drafted stops;
 * neither keeps anything.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startV1Server, writeV1Library, type V1Server } from '../core/models/v1-server.js';
import { ScriptedChatModel } from '../fixtures/scripted-models.js';
import { dropFiles, openAppSession, type AppSession } from './app-session.js';
import { fieldGuide } from './fixtures.js';
import { repoRoot } from './hearth-server.js';

const planScreenshot = path.join(repoRoot, 'tests/artifacts/reports-milestone-plan.png');
const agendaScreenshot = path.join(repoRoot, 'tests/artifacts/reports-meeting-agenda.png');
const filesScreenshot = path.join(repoRoot, 'tests/artifacts/reports-agenda-files.png');
const invalidScreenshot = path.join(repoRoot, 'tests/artifacts/reports-never-valid.png');

const milestone = (id: string, title: string, owner: string, due: string, dependsOn: string[]) => ({ id, title, owner, due, dependsOn, citations: [1] });
/** The first draft: M1 and M2 wait for each other, and M1 is due before M2 which it waits for. */
const cyclicPlan = {
  title: 'Workshop upkeep',
  milestones: [
    milestone('M1', 'Descale the copper kettle', 'Ana', '2027-03-01', ['M2']),
    milestone('M2', 'Trim the lantern wicks', 'Ben', '2027-03-08', ['M1']),
  ],
};
const repairedPlan = {
  title: 'Workshop upkeep',
  milestones: [
    milestone('M1', 'Descale the copper kettle', 'Ana', '2027-03-01', []),
    milestone('M2', 'Trim the lantern wicks', 'Ben', '2027-03-08', ['M1']),
  ],
};
const agenda = {
  title: 'Workshop keepers’ meeting',
  date: '2027-03-02',
  participants: [{ name: 'Ana', role: 'Kettle keeper' }, { name: 'Ben' }],
  items: [
    { topic: 'The descaling rota for the copper kettle', owner: 'Ana', minutes: 15, decisionNeeded: true, citations: [1] },
    { topic: 'Paraffin for the storm lanterns', owner: 'Ben', minutes: 10, decisionNeeded: false },
  ],
};

let session: AppSession;
let page: Page;
let v1: V1Server;
let planDrafts = 0;
let model: ScriptedChatModel;

beforeAll(async () => {
  model = new ScriptedChatModel(
    (request) => {
      if (request.responseFormat?.name === 'meeting-agenda') return JSON.stringify(agenda);
      // A Report takes this model minutes to write (a piece a millisecond or more): long enough to be cancelled.
      if (request.responseFormat?.name === 'report') return `${' '.repeat(400_000)}{}`;
      // A Summary always cites passage 99, which was never retrieved: it never validates.
      if (request.responseFormat?.name === 'summary') return JSON.stringify({ title: 'Workshop', keyPoints: [{ text: 'Kettles are descaled.', citations: [99] }] });
      planDrafts++;
      return JSON.stringify(planDrafts === 1 ? cyclicPlan : repairedPlan);
    },
    { pieceDelayMs: 1 },
  );
  v1 = await startV1Server({ scripted: model });
  session = await openAppSession('reports-model', {
    prepare: async (tmp) => ({ modelLibrary: await writeV1Library(path.join(tmp, 'models'), v1) }),
  });
  page = session.page;
}, 120_000);

afterAll(async () => {
  await session?.close();
  await v1?.close();
});

const run = () => page.getByTestId('report-run');
const report = () => page.getByTestId('report');

async function createReport(templateId: string, request: string): Promise<void> {
  await page.getByTestId('report-template').selectOption(templateId);
  await page.getByTestId('report-request').fill(request);
  await page.getByTestId('report-create').click();
  await expect.poll(() => run().getAttribute('data-status'), { timeout: 60_000 }).toMatch(/done|failed/);
  expect(await run().getAttribute('data-status')).toBe('done');
  await expect.poll(() => report().getAttribute('data-template'), { timeout: 15_000 }).toBe(templateId);
}

describe('reports drafted by a language model, in a browser', () => {
  it('shows the repair round of a milestone plan with its errors, then the plan as a table with its calendar file', async () => {
    await page.getByTestId('drop-zone').waitFor();
    await dropFiles(page, [{ name: fieldGuide.name, bytes: Array.from(Buffer.from(fieldGuide.text, 'utf8')) }]);
    await page.locator('[data-testid="upload-row"][data-stage="done"]').filter({ hasText: fieldGuide.name }).waitFor({ timeout: 60_000 });
    await page.getByTestId('reports-tab').click();
    await expect.poll(() => page.getByTestId('report-template').locator('option').count(), { timeout: 15_000 }).toBe(4);
    expect(await page.getByTestId('report-needs-model').count()).toBe(0);

    await createReport('milestone-plan', 'The upkeep milestones for the kettle and the lanterns');
    const steps = await run()
      .getByTestId('report-step')
      .evaluateAll((lines) => lines.map((line) => (line as HTMLElement).dataset.step));
    expect(steps).toEqual(['retrieving', 'drafting', 'validating', 'repairing', 'validating', 'rendering']);
    const repairErrors = await run().locator('[data-step="repairing"]').getByTestId('report-step-errors').textContent();
    expect(repairErrors).toContain('cycle');
    expect(repairErrors).toContain('M1 → M2 → M1');
    expect(await run().locator('[data-step="repairing"]').textContent()).toContain('round 1');

    expect(await report().textContent()).toContain('valid after 1 repair');
    expect(await report().getByTestId('report-extractive').count()).toBe(0);
    const rows = report().getByTestId('milestone-row');
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.nth(0).locator('td').allTextContents()).toEqual(['M1', 'Descale the copper kettle', 'Ana', '1 Mar 2027', '—', '1']);
    expect(await rows.nth(1).locator('td').allTextContents()).toEqual(['M2', 'Trim the lantern wicks', 'Ben', '8 Mar 2027', 'M1', '1']);
    expect(await page.locator('[data-testid="report-file"][data-format="ics"]').getAttribute('data-version')).toBe('1');

    await rows.nth(0).getByTestId('citation-chip').click();
    await page.getByTestId('citation-panel').getByTestId('citation-mark').waitFor({ timeout: 15_000 });
    await mkdir(path.dirname(planScreenshot), { recursive: true });
    await page.screenshot({ path: planScreenshot });
  }, 120_000);

  it('shows a meeting agenda with its participants, items and time boxes', async () => {
    await createReport('meeting-agenda', 'A meeting of the workshop keepers');
    expect(await report().getByTestId('agenda-date').textContent()).toBe('2 Mar 2027');
    expect(await report().getByTestId('agenda-participants').textContent()).toBe('Ana (Kettle keeper), Ben');
    const items = report().getByTestId('agenda-item');
    expect(await items.count()).toBe(2);
    expect(await items.nth(0).locator('td').allTextContents()).toEqual(['1', 'The descaling rota for the copper kettle', 'Ana', '15', 'Needed', '1']);
    expect(await items.nth(1).locator('td').allTextContents()).toEqual(['2', 'Paraffin for the storm lanterns', 'Ben', '10', '—', '']);
    expect(await report().getByTestId('agenda-table').locator('tfoot').textContent()).toContain('25');
    // The plan made before is still listed beside the agenda, newest first.
    expect(await page.getByTestId('report-item').allTextContents()).toEqual([expect.stringContaining('Meeting agenda'), expect.stringContaining('Milestone plan')]);
    await page.screenshot({ path: agendaScreenshot });
    // Its files, one card per format, on a page wide enough for several side by side.
    expect(await page.getByTestId('report-file').evaluateAll((cards) => cards.map((card) => (card as HTMLElement).dataset.format))).toEqual(['docx', 'pptx', 'markdown', 'json']);
    await page.locator('[data-testid="report-file"][data-format="json"]').scrollIntoViewIfNeeded();
    await page.screenshot({ path: filesScreenshot });
  }, 90_000);

  it('fails a summary whose citations never validate, showing the last errors and keeping nothing', async () => {
    await page.getByTestId('report-template').selectOption('summary');
    await page.getByTestId('report-request').fill('The kettle rules');
    await page.getByTestId('report-create').click();
    await expect.poll(() => run().getAttribute('data-status'), { timeout: 60_000 }).toBe('failed');
    const failure = run().getByTestId('report-run-error');
    expect(await failure.getAttribute('data-code')).toBe('OUTPUT_INVALID');
    expect(await failure.getByTestId('report-last-errors').textContent()).toContain('/keyPoints/0/citations/0');
    const rounds = await run().locator('[data-step="repairing"]').allTextContents();
    expect(rounds.length).toBe(3);
    expect(rounds[2]).toContain('round 3');
    await expect.poll(() => page.getByTestId('report-item').count()).toBe(2);
    await page.screenshot({ path: invalidScreenshot });
  }, 90_000);

  it('cancels a report while it is being drafted, keeping nothing of it', async () => {
    await page.getByTestId('report-template').selectOption('report');
    await page.getByTestId('report-request').fill('Everything about the workshop');
    await page.getByTestId('report-create').click();
    await run().locator('[data-step="drafting"][data-state="current"]').waitFor({ timeout: 30_000 });
    await run().getByTestId('report-cancel').click();
    await expect.poll(() => run().getAttribute('data-status'), { timeout: 30_000 }).toBe('cancelled');
    expect(await run().textContent()).toContain('Stopped. Nothing was stored.');
    expect(await run().locator('[data-step="drafting"]').getAttribute('data-state')).toBe('stopped');
    // The cancel reached the model across both servers: its reply was stopped, not left writing.
    await expect.poll(() => model.active, { timeout: 15_000 }).toBe(0);
    expect(model.cancelled).toBe(1);
    await expect.poll(() => page.getByTestId('report-item').count()).toBe(2);
    expect(await page.getByTestId('report-create').isEnabled()).toBe(true);
  }, 90_000);

  it('raised no errors in the page', () => {
    expect(session.pageErrors).toEqual([]);
  });
});
