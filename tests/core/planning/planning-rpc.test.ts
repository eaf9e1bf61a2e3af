/**
 * Planning through the contract, as the UI calls it: tasks made, changed by their id (the dispatcher finds the
 * task's space and checks the caller's role there), completed; a user's .ics imported, listed, exported; free
 * slots and conflicts asked for. A viewer reads but does not change; a member of another space does neither.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Caller, type Hearth } from '../../../app/core/index.js';
import { failureOf, openTempHearth } from '../../fixtures/hearth-runner.js';

let hearth: Hearth;
let spaceId: string;
let close: () => Promise<void>;

beforeAll(async () => {
  const opened = await openTempHearth('Planning');
  hearth = opened.hearth;
  spaceId = opened.spaceId;
  close = async () => {
    await hearth.dispose();
    await opened.temp.cleanup();
  };
});

afterAll(() => close());

const meeting = [
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  'BEGIN:VEVENT',
  'UID:review@example.com',
  'SUMMARY:Design review',
  'DTSTART;TZID=Europe/Paris:20270405T140000',
  'DTEND;TZID=Europe/Paris:20270405T150000',
  'END:VEVENT',
  'BEGIN:VEVENT',
  'UID:overlap@example.com',
  'SUMMARY:Budget call',
  'DTSTART:20270405T123000Z',
  'DTEND:20270405T130000Z',
  'END:VEVENT',
  'END:VCALENDAR',
  '',
].join('\r\n');

describe('planning through the contract', () => {
  it('makes, changes and completes tasks by id', async () => {
    const first = await hearth.call('tasks.create', { spaceId, task: { title: 'Book the venue', owner: 'Ana', due: '2027-04-01' } });
    const second = await hearth.call('tasks.create', { spaceId, task: { title: 'Send invitations', dependsOn: [first.id] } });
    const changed = await hearth.call('tasks.update', { taskId: second.id, patch: { due: '2027-04-03', owner: 'Boris' } });
    expect(changed).toMatchObject({ due: '2027-04-03', owner: 'Boris', dependsOn: [first.id] });
    expect((await hearth.call('tasks.complete', { taskId: first.id })).status).toBe('done');
    expect((await hearth.call('tasks.list', { spaceId, filter: { status: 'open' } })).map((task) => task.title)).toEqual(['Send invitations']);
    expect((await failureOf(hearth.call('tasks.update', { taskId: second.id, patch: { due: '2027-13-01' } }))).code).toBe('BAD_REQUEST');
  });

  it('imports a user’s .ics, lists, exports, and finds free slots and conflicts', async () => {
    expect(await hearth.call('calendar.import', { spaceId, text: meeting, fileName: 'work.ics' })).toEqual({ added: 2, updated: 0, skipped: [] });
    const { occurrences } = await hearth.call('calendar.list', { spaceId, range: { from: '2027-04-05', to: '2027-04-05', timeZone: 'Europe/Paris' } });
    expect(occurrences.map((o) => [o.title, o.start])).toEqual([
      ['Design review', '2027-04-05T14:00:00+02:00'],
      ['Budget call', '2027-04-05T14:30:00+02:00'],
    ]);
    const exported = await hearth.call('calendar.export', { spaceId });
    expect(exported.fileName).toBe('Planning.ics');
    expect(exported.text).toContain('DTSTART;TZID=Europe/Paris:20270405T140000');
    const conflicts = await hearth.call('calendar.conflicts', { spaceId, range: { from: '2027-04-05', to: '2027-04-05' } });
    expect(conflicts).toEqual([expect.objectContaining({ overlapMinutes: 30 })]);
    const slots = await hearth.call('calendar.freeSlots', { spaceId, query: { from: '2027-04-05', to: '2027-04-05', timeZone: 'Europe/Paris', durationMinutes: 120 } });
    expect(slots).toEqual([
      { start: '2027-04-05T09:00:00+02:00', end: '2027-04-05T14:00:00+02:00' },
      { start: '2027-04-05T15:00:00+02:00', end: '2027-04-05T17:00:00+02:00' },
    ]);
    const broken = await failureOf(hearth.call('calendar.import', { spaceId, text: 'BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nEND:VCALENDAR\r\n', fileName: 'broken.ics' }));
    expect(broken).toMatchObject({ code: 'FILE_CORRUPT', message: 'broken.ics line 3: END:VCALENDAR where the VEVENT begun on line 2 should end first.' });
  });

  it('lets a viewer read but not change, and a member of another space do neither', async () => {
    const task = await hearth.call('tasks.create', { spaceId, task: { title: 'Private' } });
    const viewer = new Caller({ id: 'v', kind: 'user', serverRole: 'member', spaces: { [spaceId]: 'viewer' } });
    expect(await hearth.call('tasks.list', { spaceId }, { caller: viewer })).not.toHaveLength(0);
    expect((await failureOf(hearth.call('tasks.complete', { taskId: task.id }, { caller: viewer }))).code).toBe('FORBIDDEN');
    expect((await failureOf(hearth.call('calendar.import', { spaceId, text: meeting }, { caller: viewer }))).code).toBe('FORBIDDEN');
    const stranger = new Caller({ id: 's', kind: 'user', serverRole: 'member', spaces: {} });
    expect((await failureOf(hearth.call('tasks.update', { taskId: task.id, patch: { title: 'Mine' } }, { caller: stranger }))).code).toBe('FORBIDDEN');
    expect((await failureOf(hearth.call('calendar.export', { spaceId }, { caller: stranger }))).code).toBe('FORBIDDEN');
  });
});
