/**
 * The milestone-plan story in a real browser, every part real but the model: a scripted model (served by
 * Hearth's own /v1 and configured in models.toml as a user does) plays the planner. Three contracts are added;
 * `/plan build the milestone plan…` goes to the Planner by its command; its steps show the search and the
 * dates date_calc counted; the tasks and the calendar entries each wait on an approval card (the tasks approved
 * with edited arguments, the calendar allowed for the space); the plan's last step has the report tool make the
 * Milestone plan (its own approval card), whose DOCX (opened by LibreOffice) and ICS (read by ical.js), opened from
 * the run's answer, carry the dates date_calc gave; the Plan page lists the tasks and entries.
 */
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import ICAL from 'ical.js';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startV1Server, writeV1Library, type V1Server } from '../core/models/v1-server.js';
import { convertToPdf, flatText, readPdfText } from '../fixtures/libreoffice.js';
import { ScriptedChatModel } from '../fixtures/scripted-models.js';
import { dropFiles, openAppSession, type AppSession } from './app-session.js';
import { repoRoot } from './hearth-server.js';
import { MilestonePlanner, contracts, deliveryDue, planRequest } from './milestone-story.js';

const shot = (name: string) => path.join(repoRoot, 'tests/artifacts', `agents-milestone-${name}.png`);

let session: AppSession;
let page: Page;
let v1: V1Server;
const planner = new MilestonePlanner({
  task: ({ milestone, owner, due }) => ({ title: milestone, owner, due }),
  event: ({ milestone, due }) => ({ title: milestone, start: due }),
});

beforeAll(async () => {
  const model = new ScriptedChatModel((request) => planner.turn(request), { pieceDelayMs: 1 });
  v1 = await startV1Server({ scripted: model });
  session = await openAppSession('agents-milestone', {
    prepare: async (tmp) => ({ modelLibrary: await writeV1Library(path.join(tmp, 'models'), v1) }),
  });
  page = session.page;
  await mkdir(path.join(repoRoot, 'tests/artifacts'), { recursive: true });
}, 120_000);

afterAll(async () => {
  await session?.close();
  await v1?.close();
});

const run = () => page.getByTestId('agent-run').last();
const card = () => page.getByTestId('approval-card');
const step = (n: number) => run().getByTestId('agent-step').nth(n - 1);

async function ask(request: string): Promise<void> {
  await page.getByTestId('question-input').fill(request);
  await page.getByTestId('ask-button').click();
}

/** The run's step n, opened (a step's calls are folded once it is done). */
async function openStep(n: number) {
  const head = step(n).locator('.run-step__head');
  if ((await head.getAttribute('aria-expanded')) !== 'true') await head.click();
  return step(n);
}

async function download(format: string): Promise<Uint8Array> {
  const file = page.locator(`[data-testid="report-file"][data-format="${format}"]`);
  const [saved] = await Promise.all([page.waitForEvent('download'), file.getByTestId('artifact-download').click()]);
  return new Uint8Array(await readFile((await saved.path())!));
}

function eventsOf(ics: string): ICAL.Event[] {
  return new ICAL.Component(ICAL.parse(ics)).getAllSubcomponents('vevent').map((component) => new ICAL.Event(component));
}

describe('the milestone plan from three contracts, in a browser', () => {
  it('adds the three contracts', async () => {
    await page.getByTestId('drop-zone').waitFor();
    await dropFiles(page, contracts.map((item) => ({ name: item.name, bytes: Array.from(Buffer.from(item.text, 'utf8')) })));
    for (const item of contracts) {
      await page.locator('[data-testid="upload-row"][data-stage="done"]').filter({ hasText: item.name }).waitFor({ timeout: 90_000 });
    }
    await expect.poll(() => page.getByTestId('document-item').count()).toBe(3);
  }, 120_000);

  it('routes /plan to the Planner by its command, and shows the steps: the search, then the dates date_calc counted', async () => {
    await ask(planRequest);
    const route = run().getByTestId('agent-route');
    await expect.poll(() => route.getAttribute('data-agent'), { timeout: 30_000 }).toBe('planner');
    expect(await route.getAttribute('data-method')).toBe('command');
    expect(await route.textContent()).toContain('Planner');
    // The other agents are one click away.
    await card().waitFor({ timeout: 60_000 });
    expect(await run().getByTestId('agent-redirect').evaluateAll((buttons) => buttons.map((button) => (button as HTMLElement).dataset.agent))).toEqual(['rag', 'report']);

    expect(await run().getByTestId('agent-step').count()).toBe(5);
    expect(await step(1).getAttribute('data-status')).toBe('done');
    expect(await step(2).getAttribute('data-status')).toBe('done');
    const search = (await openStep(1)).getByTestId('tool-call');
    expect(await search.getAttribute('data-tool')).toBe('search');
    expect(await search.getAttribute('data-status')).toBe('ok');

    const dates = (await openStep(2)).locator('[data-testid="tool-call"][data-tool="date_calc"]');
    expect(await dates.count()).toBe(3);
    for (let i = 0; i < 3; i++) expect(await dates.nth(i).getAttribute('data-status')).toBe('ok');
    await dates.nth(0).locator('summary', { hasText: 'Result' }).click();
    expect(await dates.nth(0).getByTestId('tool-call-output').textContent()).toContain(`"date": "${deliveryDue}"`);
    expect(planner.computed.get('Delivery')).toBe(deliveryDue);
    expect(planner.computed.size).toBe(3);
  }, 120_000);

  it('shows the waiting run again after a reload, replayed from its first event', async () => {
    await page.reload();
    await card().waitFor({ timeout: 30_000 });
    expect(await card().getAttribute('data-tool')).toBe('tasks');
    expect(await run().getByTestId('agent-route').getAttribute('data-agent')).toBe('planner');
    expect(await run().getByTestId('agent-step').evaluateAll((steps) => steps.map((item) => (item as HTMLElement).dataset.status))).toEqual(['done', 'done', 'running', 'pending', 'pending']);
    expect(await (await openStep(2)).locator('[data-testid="tool-call"][data-tool="date_calc"]').count()).toBe(3);
    expect(await page.getByTestId('user-message').allTextContents()).toEqual([planRequest]);
    await page.screenshot({ path: shot('reloaded') });
  }, 60_000);

  it('asks before each side effect: the tasks approved with edited arguments, the calendar allowed for the space, the report approved', async () => {
    // The tasks: the card names the tool, shows the arguments and the agent's reason.
    expect(await card().getAttribute('data-tool')).toBe('tasks');
    expect(await card().getByTestId('approval-reason').textContent()).toContain(`delivery on ${deliveryDue}`);
    expect(await card().getByTestId('approval-input').textContent()).toContain(deliveryDue);
    await page.screenshot({ path: shot('approval') });

    // Edited: a note added to the installation task. A broken edit is caught before it is sent.
    await card().getByTestId('approval-edit').click();
    const editor = card().getByTestId('approval-editor');
    const proposed = JSON.parse(await editor.inputValue()) as { action: string; tasks: Array<Record<string, unknown>> };
    await editor.fill('{ "action": "create", ');
    expect(await card().getByTestId('approval-editor-problems').textContent()).toContain('Not JSON');
    expect(await card().getByTestId('approval-approve').isDisabled()).toBe(true);
    await editor.fill(JSON.stringify({ ...proposed, tasks: [] }));
    expect(await card().getByTestId('approval-approve').isDisabled()).toBe(false); // the shape fits; the core's schema wants one task at least
    proposed.tasks[1] = { ...proposed.tasks[1], notes: 'Check the fitters’ access badges.' };
    await editor.fill(JSON.stringify(proposed, null, 2));
    await card().screenshot({ path: shot('approval-edit') });
    await card().getByTestId('approval-approve').click();

    // The calendar entries: approved, and the tool allowed in this space from now on.
    await expect.poll(() => card().getAttribute('data-tool'), { timeout: 30_000 }).toBe('calendar');
    await card().getByTestId('approval-always').click();

    // The Milestone plan: the report tool asks too, its request carrying the dates date_calc gave.
    await expect.poll(() => card().getAttribute('data-tool'), { timeout: 30_000 }).toBe('report');
    const asked = await card().getByTestId('approval-input').textContent();
    expect(asked).toContain('milestone-plan');
    for (const [milestone, due] of planner.computed) expect(asked).toMatch(new RegExp(`${milestone} \\([A-Z][a-z]+\\) is due ${due}`));
    await card().screenshot({ path: shot('approval-report') });
    await card().getByTestId('approval-approve').click();

    await expect.poll(() => run().getAttribute('data-state'), { timeout: 90_000 }).toBe('done');
    const answer = page.locator('[data-testid="assistant-message"]:not([data-streaming])').last();
    await expect.poll(() => answer.textContent(), { timeout: 30_000 }).toContain('Made: 3 tasks, 3 calendar entries, 2 files.');
    expect(await run().getByTestId('wait-answered').evaluateAll((lines) => lines.map((line) => (line as HTMLElement).dataset.decision))).toEqual(['edited', 'approved', 'approved']);
    expect(await run().getByTestId('agent-step').evaluateAll((steps) => steps.map((item) => (item as HTMLElement).dataset.status))).toEqual(['done', 'done', 'done', 'done', 'done']);
    for (const [n, tool] of [[3, 'tasks'], [4, 'calendar'], [5, 'report']] as const) {
      const made = (await openStep(n)).getByTestId('tool-call');
      expect([await made.getAttribute('data-tool'), await made.getAttribute('data-status')]).toEqual([tool, 'ok']);
    }
    await page.screenshot({ path: shot('run-done') });
  }, 180_000);

  it('shows the tasks (the edited note too) and the calendar entries on the Plan page, on the dates date_calc gave', async () => {
    await page.getByTestId('plan-tab').click();
    try {
      const tasks = page.getByTestId('tasks-panel').getByTestId('task-item');
      await expect.poll(() => tasks.count(), { timeout: 15_000 }).toBe(3);
      // The panel writes a due date as the user's calendar day; the dates are date_calc's.
      const shown = await page.evaluate(
        (dates) => dates.map(([year, month, day]) => new Date(year!, month! - 1, day).toLocaleDateString(undefined, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' })),
        [...planner.computed.values()].map((date) => date.split('-').map(Number)),
      );
      expect(await tasks.getByTestId('task-title').allTextContents()).toEqual([...planner.computed.keys()]);
      expect(await tasks.getByTestId('task-due').allTextContents()).toEqual(shown.map((day) => `due ${day}`));
      expect(await tasks.nth(1).textContent()).toContain('Check the fitters’ access badges.');
      expect(await tasks.first().getByTestId('task-origin').count()).toBe(1);
      // The entries are months ahead, past the panel's coming weeks: counted, and in the space's calendar file.
      await expect.poll(() => page.getByTestId('calendar-panel').locator('.count').textContent(), { timeout: 15_000 }).toBe('3 events');
      await page.screenshot({ path: shot('plan-page') });
      const [saved] = await Promise.all([page.waitForEvent('download'), page.getByTestId('calendar-export').click()]);
      const entries = eventsOf(await readFile((await saved.path())!, 'utf8'));
      expect(entries.map((event) => [event.summary, event.startDate.toString(), event.startDate.isDate])).toEqual(
        [...planner.computed].map(([milestone, due]) => [milestone, due, true]),
      );
    } finally {
      await page.getByTestId('documents-tab').click();
    }
  }, 60_000);

  it('made the Milestone plan report in the same run; its DOCX and ICS carry the dates date_calc gave', async () => {
    // The run's files are the report's: opened with it, not listed one by one.
    expect(await run().getByTestId('agent-file-download').count()).toBe(0);
    await run().getByTestId('agent-open-report').click();
    await expect.poll(() => page.getByTestId('report').getAttribute('data-template'), { timeout: 15_000 }).toBe('milestone-plan');
    await page.screenshot({ path: shot('report') });

    const events = eventsOf(new TextDecoder().decode(await download('ics')));
    expect(events.map((event) => [event.summary, event.startDate.toString()])).toEqual(
      contracts.map((item, i) => [`M${i + 1}: ${item.milestone}`, planner.computed.get(item.milestone)]),
    );
    expect(events[0]!.startDate.toString()).toBe(deliveryDue);

    const docx = await download('docx');
    const pdf = await readPdfText((await convertToPdf([{ name: 'plan.docx', bytes: docx }])).get('plan.docx')!);
    const text = flatText(pdf.pages.join(' '));
    for (const [milestone, due] of planner.computed) {
      expect(text).toContain(milestone);
      expect(text).toContain(due);
    }
  }, 240_000);

  it('asked the model nothing the story did not expect, and raised no errors in the page', () => {
    expect(planner.unexpected).toEqual([]);
    expect(session.pageErrors).toEqual([]);
  });
});
