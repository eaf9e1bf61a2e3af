/**
 * The Plan page in a real browser: a user's own .ics imported from a file (this week's meetings, a weekly series,
 * an all-day day off) shows day by day in the coming weeks; a broken file is refused naming its line; a task
 * added by hand after another shows what it waits for and is ticked done; the calendar downloads as an .ics
 * that ical.js reads. The dates are relative to today, so the events always fall in the weeks on screen.
 */
import { readFile } from 'node:fs/promises';
import ICAL from 'ical.js';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAppSession, type AppSession } from './app-session.js';

let session: AppSession;
let page: Page;

beforeAll(async () => {
  session = await openAppSession('plan-page');
  page = session.page;
}, 120_000);

afterAll(async () => {
  await session?.close();
});

/** A date `days` from today as YYYY-MM-DD and as iCalendar's YYYYMMDD, in the browser's (and this machine's) zone. */
function day(days: number): { iso: string; ical: string } {
  const now = new Date();
  const date = new Date(now.getFullYear(), now.getMonth(), now.getDate() + days);
  const iso = `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;
  return { iso, ical: iso.replaceAll('-', '') };
}

const userCalendar = () =>
  [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Example//Calendar//EN',
    'BEGIN:VEVENT',
    'UID:review@example.com',
    'SUMMARY:Design review',
    'LOCATION:Room 2',
    `DTSTART:${day(2).ical}T100000`,
    `DTEND:${day(2).ical}T110000`,
    'END:VEVENT',
    'BEGIN:VEVENT',
    'UID:sync@example.com',
    'SUMMARY:Weekly sync',
    `DTSTART:${day(1).ical}T090000`,
    `DTEND:${day(1).ical}T093000`,
    'RRULE:FREQ=WEEKLY;COUNT=3',
    'END:VEVENT',
    'BEGIN:VEVENT',
    'UID:off@example.com',
    'SUMMARY:Day off',
    `DTSTART;VALUE=DATE:${day(3).ical}`,
    `DTEND;VALUE=DATE:${day(4).ical}`,
    'END:VEVENT',
    'END:VCALENDAR',
    '',
  ].join('\r\n');

async function importFile(name: string, text: string): Promise<void> {
  await page.getByTestId('calendar-import-file').setInputFiles({ name, mimeType: 'text/calendar', buffer: Buffer.from(text, 'utf8') });
}

describe('the Plan page', () => {
  it('imports a user’s .ics and shows its events day by day, the weekly series at each occurrence', async () => {
    await page.getByTestId('plan-tab').click();
    await page.getByTestId('plan-page').waitFor();
    await importFile('work.ics', userCalendar());
    await expect.poll(() => page.getByTestId('calendar-file-done').textContent(), { timeout: 15_000 }).toContain('work.ics: 3 added, 0 updated');
    const events = page.getByTestId('calendar-panel').getByTestId('calendar-event');
    await expect.poll(() => events.count(), { timeout: 15_000 }).toBe(5);
    const days = await page.getByTestId('calendar-day').evaluateAll((items) => items.map((item) => (item as HTMLElement).dataset.day));
    expect(days).toEqual([day(1).iso, day(2).iso, day(3).iso, day(8).iso, day(15).iso]);
    expect(await page.locator(`[data-testid="calendar-day"][data-day="${day(2).iso}"]`).textContent()).toContain('10:00–11:00Design review');
    expect(await page.locator(`[data-testid="calendar-day"][data-day="${day(3).iso}"]`).textContent()).toContain('all dayDay off');

    // The same file again updates; a broken one is refused with its line, and the calendar is as it was.
    await importFile('work.ics', userCalendar());
    await expect.poll(() => page.getByTestId('calendar-file-done').textContent(), { timeout: 15_000 }).toContain('0 added, 3 updated');
    await importFile('broken.ics', 'BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:x\r\nEND:VCALENDAR\r\n');
    await expect.poll(() => page.getByTestId('calendar-file-error').textContent(), { timeout: 15_000 }).toContain('broken.ics line 4: END:VCALENDAR where the VEVENT begun on line 2 should end first.');
    expect(await events.count()).toBe(5);
  }, 60_000);

  it('adds tasks by hand, one after another, and ticks one done', async () => {
    await page.getByTestId('task-form-title').fill('Book the venue');
    await page.getByTestId('task-form-owner').fill('Ana');
    await page.getByTestId('task-form-due').fill(day(5).iso);
    await page.getByTestId('task-form-add').click();
    const tasks = page.getByTestId('tasks-panel').getByTestId('task-item');
    await expect.poll(() => tasks.count(), { timeout: 15_000 }).toBe(1);

    await page.getByTestId('task-form-title').fill('Send the invitations');
    await page.getByTestId('task-form-depends').selectOption({ label: 'after: Book the venue' });
    await page.getByTestId('task-form-add').click();
    await expect.poll(() => tasks.count(), { timeout: 15_000 }).toBe(2);
    const invitations = tasks.filter({ has: page.getByTestId('task-title').getByText('Send the invitations', { exact: true }) });
    expect(await invitations.getByTestId('task-depends').textContent()).toBe('after “Book the venue”');
    expect(await tasks.first().getByTestId('task-owner').textContent()).toBe('Ana');

    const venue = tasks.filter({ has: page.getByTestId('task-title').getByText('Book the venue', { exact: true }) });
    // The box shows what is stored: it turns checked once Hearth has marked the task done, not on the click itself.
    await venue.getByTestId('task-done').click();
    await expect.poll(() => venue.getByTestId('task-done').isChecked(), { timeout: 15_000 }).toBe(true);
    await expect.poll(() => venue.getAttribute('class'), { timeout: 15_000 }).toContain('task--done');
    expect(await page.getByTestId('tasks-panel').locator('.count').textContent()).toBe('1 open');
  }, 60_000);

  it('downloads the calendar as an .ics that ical.js reads', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('calendar-export').click()]);
    expect(download.suggestedFilename()).toMatch(/\.ics$/);
    const text = await readFile((await download.path())!, 'utf8');
    const root = new ICAL.Component(ICAL.parse(text));
    expect(root.getAllSubcomponents('vevent').map((vevent) => String(vevent.getFirstPropertyValue('summary'))).sort()).toEqual(['Day off', 'Design review', 'Weekly sync']);
  }, 30_000);

  it('raised no errors in the page', () => {
    expect(session.pageErrors).toEqual([]);
  });
});
