/**
 * The `calendar` tool as an agent calls it, on a real database: deadlines and meetings added (once per call,
 * however often a resumed run makes it), listed, free slots and conflicts found, the calendar exported as an
 * .ics ical.js reads; the run's space and the caller's role kept to. Every input field is described.
 */
import ICAL from 'ical.js';
import { z } from 'zod';
import { beforeEach, describe, expect, it } from 'vitest';
import { Calendar } from '../../../app/core/planning/index.js';
import { Caller, localOwner } from '../../../app/core/team/index.js';
import { calendarTool } from '../../../app/core/tools/calendar-tool.js';
import type { ToolContext } from '../../../app/core/tools/tool.js';
import { HearthError } from '../../../schemas/index.js';
import { undescribed } from '../../fixtures/json-schema-descriptions.js';
import { usePlanningStore } from '../../fixtures/planning-store.js';

const store = usePlanningStore();
let calendar: Calendar;
let spaceId: string;
beforeEach(() => ({ calendar, spaceId } = store));

const context = (over: Partial<ToolContext> = {}): ToolContext => ({ caller: localOwner, spaceId, runId: 'run-1', signal: new AbortController().signal, ...over });

const additions = {
  action: 'add' as const,
  events: [
    { title: 'Deliver phase 1', start: '2027-04-15', description: 'Contract §4.2' },
    { title: 'Kick-off', start: '2027-04-12T10:00', end: '2027-04-12T11:00', time_zone: 'Europe/Moscow', location: 'Moscow office' },
    { title: 'Steering call', start: '2027-04-12T10:30', time_zone: 'Europe/Moscow' },
  ],
};

describe('the calendar tool', () => {
  it('adds events once per call, lists them, and finds free slots and conflicts', async () => {
    const tool = calendarTool(calendar);
    const added = await tool.run(tool.input.parse(additions), context());
    expect(added.summary).toBe('added 3 events');
    expect(added.output.events).toEqual([
      expect.objectContaining({ title: 'Deliver phase 1', start: '2027-04-15', all_day: true }),
      expect.objectContaining({ title: 'Kick-off', start: '2027-04-12T10:00:00+03:00', end: '2027-04-12T11:00:00+03:00', time_zone: 'Europe/Moscow' }),
      expect.objectContaining({ title: 'Steering call', end: '2027-04-12T11:30:00+03:00' }),
    ]);
    const again = await tool.run(tool.input.parse(additions), context());
    expect(again.made?.eventIds).toEqual(added.made?.eventIds);
    expect(calendar.list(spaceId).events).toHaveLength(3);
    expect(calendar.get(added.made!.eventIds![0]!).origin?.runId).toBe('run-1');

    const listed = await tool.run(tool.input.parse({ action: 'list', from: '2027-04-12', to: '2027-04-16', time_zone: 'Europe/Moscow' }), context());
    expect((listed.output.occurrences as { title: string }[]).map((o) => o.title)).toEqual(['Kick-off', 'Steering call', 'Deliver phase 1']);

    const slots = await tool.run(tool.input.parse({ action: 'free_slots', from: '2027-04-12', to: '2027-04-12', time_zone: 'Europe/Moscow', duration_minutes: 90 }), context());
    expect(slots.output.slots).toEqual([
      { start: '2027-04-12T11:30:00+03:00', end: '2027-04-12T17:00:00+03:00' },
    ]);
    expect(slots.summary).toBe('1 free slot of 90 min or more');

    const conflicts = await tool.run(tool.input.parse({ action: 'conflicts', from: '2027-04-01', to: '2027-04-30', time_zone: 'Europe/Moscow' }), context());
    expect(conflicts.output.conflicts).toEqual([
      { first: expect.objectContaining({ title: 'Kick-off' }), second: expect.objectContaining({ title: 'Steering call' }), overlap_minutes: 30 },
    ]);
  });

  it('exports the calendar as .ics that ical.js reads', async () => {
    const tool = calendarTool(calendar);
    await tool.run(tool.input.parse(additions), context());
    const exported = await tool.run(tool.input.parse({ action: 'export_ics' }), context());
    expect(exported.output.events).toBe(3);
    const root = new ICAL.Component(ICAL.parse(exported.output.ics as string));
    expect(root.getAllSubcomponents('vevent').map((vevent) => String(vevent.getFirstPropertyValue('summary'))).sort()).toEqual(['Deliver phase 1', 'Kick-off', 'Steering call']);
  });

  it('refuses a model’s mistakes with a message it can act on, and a viewer’s additions', async () => {
    const tool = calendarTool(calendar);
    expect(tool.input.safeParse({ action: 'add', events: [{ title: 'Call', start: 'tomorrow at 10' }] }).success).toBe(false);
    expect(tool.input.safeParse({ action: 'free_slots', from: '2027-04-12', to: '2027-04-12' }).success).toBe(false);
    const mixed = await failure(tool.run(tool.input.parse({ action: 'add', events: [{ title: 'Call', start: '2027-04-12T10:00', end: '2027-04-13' }] }), context()));
    expect(mixed.message).toMatch(/the end must be one too/);
    const viewer = new Caller({ id: 'v', kind: 'user', name: 'Vera', serverRole: 'member', spaces: { [spaceId]: 'viewer' } });
    expect(await failure(tool.run(tool.input.parse(additions), context({ caller: viewer })))).toMatchObject({ code: 'FORBIDDEN' });
    expect(calendar.list(spaceId).events).toEqual([]);
  });

  it('describes every field of its input to the model', () => {
    expect(undescribed(z.toJSONSchema(calendarTool(calendar).input, { io: 'input' }))).toEqual([]);
  });
});

async function failure(work: Promise<unknown>): Promise<HearthError> {
  try {
    await work;
  } catch (error) {
    if (error instanceof HearthError) return error;
    throw error;
  }
  throw new Error('expected a failure');
}
