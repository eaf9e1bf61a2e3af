/**
 * The calendar Hearth writes and reasons over, in a real database: events added by a person or an agent,
 * exported as .ics and read back by ical.js (another program's parser) at the same instants and in the same
 * zones; free working time found around busy events; overlapping busy events found as conflicts.
 */
import ICAL from 'ical.js';
import { beforeEach, describe, expect, it } from 'vitest';
import { Calendar } from '../../../app/core/planning/index.js';
import { Spaces } from '../../../app/core/spaces/index.js';
import { type Db } from '../../../app/core/storage/index.js';
import { refusal, usePlanningStore } from '../../fixtures/planning-store.js';

const store = usePlanningStore();
let db: Db;
let calendar: Calendar;
let spaceId: string;
beforeEach(() => ({ db, calendar, spaceId } = store));

/** Reads an .ics as another calendar program would: ical.js, with the file's own VTIMEZONEs. */
function readBack(text: string) {
  const root = new ICAL.Component(ICAL.parse(text));
  for (const zone of root.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(zone);
  return root.getAllSubcomponents('vevent').map((vevent) => {
    const event = new ICAL.Event(vevent);
    return { vevent, event, uid: event.uid, title: event.summary, start: event.startDate, end: event.endDate };
  });
}

describe('the calendar', () => {
  it('exports an .ics that ical.js reads back at the same instants, zones and days', () => {
    const meeting = calendar.add(spaceId, { title: 'Kick-off', start: '2027-03-26T10:00', end: '2027-03-26T11:30', timeZone: 'Europe/Berlin', location: 'Berlin office', description: 'Both teams' });
    const weekly = calendar.add(spaceId, { title: 'Weekly sync', start: '2027-03-22T09:00', timeZone: 'Europe/Berlin', recurrence: 'FREQ=WEEKLY;BYDAY=MO;COUNT=4' });
    const deadline = calendar.add(spaceId, { title: 'Deliver phase 1', start: '2027-04-15' }, { runId: 'run-9', callKey: 'k1' });
    const utc = calendar.add(spaceId, { title: 'Call with Acme', start: '2027-03-30T16:00:00Z' });
    expect(meeting).toMatchObject({ start: '2027-03-26T10:00:00+01:00', end: '2027-03-26T11:30:00+01:00', timeZone: 'Europe/Berlin', allDay: false, busy: true, source: 'hearth' });
    expect(deadline).toMatchObject({ allDay: true, start: '2027-04-15', end: '2027-04-16', busy: false, origin: { runId: 'run-9', callKey: 'k1' } });

    const text = calendar.exportIcs(spaceId, undefined, 'Plan');
    expect(text).toMatch(/^BEGIN:VCALENDAR\r\n/);
    expect(text).toContain('DTSTART;TZID=Europe/Berlin:20270326T100000');
    const read = readBack(text);
    expect(read.map((event) => event.uid).sort()).toEqual([meeting.uid, weekly.uid, deadline.uid, utc.uid].sort());

    const kickOff = read.find((event) => event.uid === meeting.uid)!;
    expect(kickOff.start.toJSDate().toISOString()).toBe('2027-03-26T09:00:00.000Z');
    expect(kickOff.end.toJSDate().toISOString()).toBe('2027-03-26T10:30:00.000Z');
    expect(kickOff.start.zone?.tzid).toBe('Europe/Berlin');
    expect(kickOff.event.location).toBe('Berlin office');

    // The series stays at 09:00 Berlin across the change to summer time on 28 March: 08:00 UTC, then 07:00 UTC.
    const series = read.find((event) => event.uid === weekly.uid)!;
    const iterator = series.event.iterator();
    const starts: string[] = [];
    for (let next = iterator.next(); next; next = iterator.next()) starts.push(next.toJSDate().toISOString());
    expect(starts).toEqual(['2027-03-22T08:00:00.000Z', '2027-03-29T07:00:00.000Z', '2027-04-05T07:00:00.000Z', '2027-04-12T07:00:00.000Z']);

    const allDay = read.find((event) => event.uid === deadline.uid)!;
    expect(allDay.start.isDate).toBe(true);
    expect(allDay.start.toString()).toBe('2027-04-15');
    expect(allDay.end.toString()).toBe('2027-04-16');
    expect(String(allDay.vevent.getFirstPropertyValue('transp'))).toBe('TRANSPARENT');

    expect(read.find((event) => event.uid === utc.uid)!.start.toString()).toBe('2027-03-30T16:00:00Z');
  });

  it('exports what it imported — exceptions and overrides included — so a round trip lands on the same occurrences', () => {
    const lines = [
      'BEGIN:VCALENDAR', 'VERSION:2.0',
      'BEGIN:VEVENT', 'UID:standup@example.com', 'SUMMARY:Standup', 'DTSTART;TZID=America/New_York:20270301T093000', 'DTEND;TZID=America/New_York:20270301T100000',
      'RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=4', 'EXDATE;TZID=America/New_York:20270308T093000', 'END:VEVENT',
      'BEGIN:VEVENT', 'UID:standup@example.com', 'SUMMARY:Standup (moved)', 'RECURRENCE-ID;TZID=America/New_York:20270315T093000',
      'DTSTART;TZID=America/New_York:20270315T120000', 'DTEND;TZID=America/New_York:20270315T123000', 'END:VEVENT',
      'END:VCALENDAR', '',
    ];
    calendar.importIcs(spaceId, lines.join('\r\n'));
    const before = calendar.list(spaceId, { from: '2027-03-01', to: '2027-03-31' }).occurrences;
    expect(before.map((o) => [o.title, o.start])).toEqual([
      ['Standup', '2027-03-01T14:30:00Z'],
      ['Standup (moved)', '2027-03-15T16:00:00Z'],
      ['Standup', '2027-03-22T13:30:00Z'],
    ]);
    const exported = calendar.exportIcs(spaceId);
    expect(exported).toContain('EXDATE;TZID=America/New_York:20270308T093000');
    expect(exported).toContain('RECURRENCE-ID;TZID=America/New_York:20270315T093000');
    const elsewhere = new Spaces(db).create('Copy').id;
    expect(calendar.importIcs(elsewhere, exported)).toEqual({ added: 2, updated: 0, skipped: [] });
    const after = calendar.list(elsewhere, { from: '2027-03-01', to: '2027-03-31' }).occurrences;
    expect(after.map((o) => [o.title, o.start, o.end])).toEqual(before.map((o) => [o.title, o.start, o.end]));
  });

  it('finds free slots in working hours around busy events, in the asker’s zone', () => {
    calendar.add(spaceId, { title: 'Workshop', start: '2027-03-01T10:00', end: '2027-03-01T12:00', timeZone: 'Europe/Berlin' });
    calendar.add(spaceId, { title: 'Lunch', start: '2027-03-01T12:30', end: '2027-03-01T13:00', timeZone: 'Europe/Berlin' });
    calendar.add(spaceId, { title: 'Offsite', start: '2027-03-02', busy: true });
    calendar.add(spaceId, { title: 'Reminder', start: '2027-03-03' });
    const slots = calendar.freeSlots(spaceId, { from: '2027-03-01', to: '2027-03-03', timeZone: 'Europe/Berlin', durationMinutes: 60 });
    expect(slots).toEqual([
      { start: '2027-03-01T09:00:00+01:00', end: '2027-03-01T10:00:00+01:00' },
      { start: '2027-03-01T13:00:00+01:00', end: '2027-03-01T17:00:00+01:00' },
      // 2 March is taken by the all-day offsite; 3 March's reminder does not block time.
      { start: '2027-03-03T09:00:00+01:00', end: '2027-03-03T17:00:00+01:00' },
    ]);
    const weekend = calendar.freeSlots(spaceId, { from: '2027-03-06', to: '2027-03-07', timeZone: 'Europe/Berlin', durationMinutes: 30 });
    expect(weekend).toEqual([]);
    const saturdays = calendar.freeSlots(spaceId, { from: '2027-03-06', to: '2027-03-07', timeZone: 'Europe/Berlin', durationMinutes: 30, workingHours: { start: '10:00', end: '12:00', days: [6] } });
    expect(saturdays).toEqual([{ start: '2027-03-06T10:00:00+01:00', end: '2027-03-06T12:00:00+01:00' }]);
  });

  it('finds conflicts between busy events, occurrences of a series included', () => {
    calendar.add(spaceId, { title: 'Weekly sync', start: '2027-03-01T09:00', end: '2027-03-01T10:00', timeZone: 'Europe/Berlin', recurrence: 'FREQ=WEEKLY;BYDAY=MO' });
    calendar.add(spaceId, { title: 'Board meeting', start: '2027-03-15T08:30:00Z', end: '2027-03-15T09:30:00Z' });
    calendar.add(spaceId, { title: 'Free-time note', start: '2027-03-15T09:00', timeZone: 'Europe/Berlin', busy: false });
    const conflicts = calendar.conflicts(spaceId, { from: '2027-03-01', to: '2027-03-31', timeZone: 'UTC' });
    expect(conflicts).toEqual([
      {
        first: expect.objectContaining({ title: 'Weekly sync', start: '2027-03-15T08:00:00Z' }),
        second: expect.objectContaining({ title: 'Board meeting', start: '2027-03-15T08:30:00Z' }),
        overlapMinutes: 30,
      },
    ]);
  });

  it('names what is wrong with an event it cannot add', () => {
    expect(refusal(() => calendar.add(spaceId, { title: 'Trip', start: '2027-03-05', end: '2027-03-04' })).message).toMatch(/the event "Trip" ends \(2027-03-04\) before it starts/);
    expect(refusal(() => calendar.add(spaceId, { title: 'Call', start: '2027-03-05T10:00', timeZone: 'Mars/Olympus' })).message).toMatch(/"Mars\/Olympus" is not a time zone Hearth knows/);
    expect(refusal(() => calendar.add(spaceId, { title: 'Call', start: '2027-03-05T10:00', end: '2027-03-06' })).message).toMatch(/the end must be one too/);
    expect(refusal(() => calendar.add(spaceId, { title: 'Series', start: '2027-03-05', recurrence: 'FREQ=OFTEN' })).message).toMatch(/recurrence of the event "Series", "FREQ=OFTEN", is not an RRULE/);
    expect(refusal(() => calendar.conflicts(spaceId, { from: '2027-03-05', to: '2027-03-01' })).message).toMatch(/The range ends \(2027-03-01\) before it starts/);
    expect(calendar.list(spaceId).events).toEqual([]);
  });
});
