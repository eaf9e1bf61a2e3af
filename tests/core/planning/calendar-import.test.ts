/**
 * A user's own .ics, written here as calendar programs write them — a VTIMEZONE'd weekly meeting that crosses a
 * change of daylight saving time, an Outlook zone with no IANA name, an all-day holiday, a cancelled event, an
 * override of one occurrence and an EXDATE — imported into a real database: times land where the file meant
 * them, a re-import updates instead of adding copies, and a broken file is refused naming the line.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { Calendar } from '../../../app/core/planning/index.js';
import { refusal, usePlanningStore } from '../../fixtures/planning-store.js';

const store = usePlanningStore();
let calendar: Calendar;
let spaceId: string;
beforeEach(() => ({ calendar, spaceId } = store));

const ics = (...lines: string[]) => [...lines, ''].join('\r\n');

const newYorkZone = [
  'BEGIN:VTIMEZONE',
  'TZID:America/New_York',
  'BEGIN:DAYLIGHT',
  'TZOFFSETFROM:-0500',
  'TZOFFSETTO:-0400',
  'TZNAME:EDT',
  'DTSTART:19700308T020000',
  'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU',
  'END:DAYLIGHT',
  'BEGIN:STANDARD',
  'TZOFFSETFROM:-0400',
  'TZOFFSETTO:-0500',
  'TZNAME:EST',
  'DTSTART:19701101T020000',
  'RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU',
  'END:STANDARD',
  'END:VTIMEZONE',
];

const outlookZone = [
  'BEGIN:VTIMEZONE',
  'TZID:Russian Standard Time',
  'BEGIN:STANDARD',
  'DTSTART:16010101T000000',
  'TZOFFSETFROM:+0300',
  'TZOFFSETTO:+0300',
  'END:STANDARD',
  'END:VTIMEZONE',
];

/** A calendar as a user's program exported it. */
function userCalendar(standupTitle = 'Standup'): string {
  return ics(
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Example Corp//Calendar 1.0//EN',
    ...newYorkZone,
    ...outlookZone,
    'BEGIN:VEVENT',
    'UID:standup-1@example.com',
    'DTSTAMP:20270101T000000Z',
    `SUMMARY:${standupTitle}`,
    'LOCATION:Room 4',
    // Mondays at 09:30 New York, from before the change to daylight time (14 March 2027) to after it.
    'DTSTART;TZID=America/New_York:20270301T093000',
    'DTEND;TZID=America/New_York:20270301T100000',
    'RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=5',
    'EXDATE;TZID=America/New_York:20270308T093000',
    'END:VEVENT',
    'BEGIN:VEVENT',
    'UID:standup-1@example.com',
    'DTSTAMP:20270101T000000Z',
    'RECURRENCE-ID;TZID=America/New_York:20270322T093000',
    'SUMMARY:Standup (moved)',
    'DTSTART;TZID=America/New_York:20270322T110000',
    'DTEND;TZID=America/New_York:20270322T113000',
    'END:VEVENT',
    'BEGIN:VEVENT',
    'UID:review-7@example.com',
    'DTSTAMP:20270101T000000Z',
    'SUMMARY:Quarterly review',
    'DTSTART;TZID=Russian Standard Time:20270315T150000',
    'DURATION:PT2H',
    'END:VEVENT',
    'BEGIN:VEVENT',
    'UID:holiday-1@example.com',
    'DTSTAMP:20270101T000000Z',
    'SUMMARY:Company holiday',
    'DTSTART;VALUE=DATE:20270319',
    'DTEND;VALUE=DATE:20270320',
    'TRANSP:OPAQUE',
    'END:VEVENT',
    'BEGIN:VEVENT',
    'UID:cancelled-1@example.com',
    'DTSTAMP:20270101T000000Z',
    'SUMMARY:Off',
    'STATUS:CANCELLED',
    'DTSTART:20270316T120000Z',
    'END:VEVENT',
    'END:VCALENDAR',
  );
}

describe('importing a user’s .ics', () => {
  it('keeps each event in its zone, expands the weekly series across daylight saving time, skips what was cancelled', () => {
    const result = calendar.importIcs(spaceId, userCalendar(), { fileName: 'work.ics' });
    expect(result).toEqual({ added: 4, updated: 0, skipped: [{ uid: 'cancelled-1@example.com', reason: 'the event is cancelled (STATUS:CANCELLED)' }] });

    const { events, occurrences } = calendar.list(spaceId, { from: '2027-03-01', to: '2027-03-31', timeZone: 'UTC' });
    const standup = events.find((event) => event.uid === 'standup-1@example.com' && !event.recurrenceId)!;
    expect(standup).toMatchObject({ timeZone: 'America/New_York', start: '2027-03-01T09:30:00-05:00', recurrence: 'FREQ=WEEKLY;COUNT=5;BYDAY=MO', exceptions: ['2027-03-08T09:30:00'], busy: true, source: 'import' });

    const standups = occurrences.filter((occurrence) => occurrence.uid === 'standup-1@example.com').map((occurrence) => [occurrence.title, occurrence.start]);
    // 09:30 New York is 14:30 UTC before 14 March and 13:30 UTC after; 8 March is taken out, 22 March moved to 11:00.
    expect(standups).toEqual([
      ['Standup', '2027-03-01T14:30:00Z'],
      ['Standup', '2027-03-15T13:30:00Z'],
      ['Standup (moved)', '2027-03-22T15:00:00Z'],
      ['Standup', '2027-03-29T13:30:00Z'],
    ]);

    // Outlook's zone has no IANA name: its VTIMEZONE's offset is kept.
    const review = events.find((event) => event.uid === 'review-7@example.com')!;
    expect(review).toMatchObject({ timeZone: 'UTC+03:00', start: '2027-03-15T15:00:00+03:00', end: '2027-03-15T17:00:00+03:00' });

    const holiday = occurrences.find((occurrence) => occurrence.uid === 'holiday-1@example.com')!;
    expect(holiday).toMatchObject({ allDay: true, start: '2027-03-19', end: '2027-03-20', busy: true });
  });

  it('writes occurrences in the zone they are asked in', () => {
    calendar.importIcs(spaceId, userCalendar());
    const { occurrences } = calendar.list(spaceId, { from: '2027-03-15', to: '2027-03-15', timeZone: 'Europe/Berlin' });
    expect(occurrences.map((occurrence) => [occurrence.title, occurrence.start])).toEqual([
      ['Quarterly review', '2027-03-15T13:00:00+01:00'],
      ['Standup', '2027-03-15T14:30:00+01:00'],
    ]);
  });

  it('updates the events of a file imported again instead of adding them twice', () => {
    calendar.importIcs(spaceId, userCalendar());
    const again = calendar.importIcs(spaceId, userCalendar('Daily standup'));
    expect(again).toMatchObject({ added: 0, updated: 4 });
    const { events } = calendar.list(spaceId);
    expect(events).toHaveLength(4);
    expect(events.filter((event) => event.uid === 'standup-1@example.com').map((event) => event.title).sort()).toEqual(['Daily standup', 'Standup (moved)']);
  });

  it('reads floating times in the zone the import is given, and a file without UIDs the same way twice', () => {
    const file = ics('BEGIN:VCALENDAR', 'VERSION:2.0', 'BEGIN:VEVENT', 'SUMMARY:Lunch', 'DTSTART:20270402T120000', 'DTEND:20270402T130000', 'END:VEVENT', 'END:VCALENDAR');
    expect(calendar.importIcs(spaceId, file, { timeZone: 'Europe/Moscow' }).added).toBe(1);
    expect(calendar.importIcs(spaceId, file, { timeZone: 'Europe/Moscow' })).toMatchObject({ added: 0, updated: 1 });
    expect(calendar.list(spaceId).events[0]).toMatchObject({ start: '2027-04-02T12:00:00+03:00', timeZone: 'Europe/Moscow' });
  });

  it('refuses a broken file naming the line or the component, and keeps what the space had', () => {
    calendar.importIcs(spaceId, userCalendar());
    const unclosed = refusal(() => calendar.importIcs(spaceId, ics('BEGIN:VCALENDAR', 'VERSION:2.0', 'BEGIN:VEVENT', 'UID:x', 'DTSTART:20270101T100000Z', 'END:VCALENDAR'), { fileName: 'broken.ics' }));
    expect(unclosed.code).toBe('FILE_CORRUPT');
    expect(unclosed.message).toBe('broken.ics line 6: END:VCALENDAR where the VEVENT begun on line 3 should end first.');

    const garbage = refusal(() => calendar.importIcs(spaceId, ics('BEGIN:VCALENDAR', 'VERSION:2.0', 'BEGIN:VEVENT', 'this is not a property', 'END:VEVENT', 'END:VCALENDAR'), { fileName: 'broken.ics' }));
    expect(garbage.message).toMatch(/^broken\.ics line 4: invalid line/);

    expect(refusal(() => calendar.importIcs(spaceId, 'Subject: hello\r\n\r\nnot a calendar', { fileName: 'mail.eml' })).message).toMatch(/^mail\.eml line 1: "Subject: hello" — an iCalendar file begins with BEGIN:VCALENDAR/);
    expect(calendar.list(spaceId).events).toHaveLength(4);
  });

  it('skips an event it cannot read, naming it and why, and imports the rest', () => {
    const result = calendar.importIcs(
      spaceId,
      ics(
        'BEGIN:VCALENDAR',
        'VERSION:2.0',
        'BEGIN:VEVENT', 'UID:no-start', 'SUMMARY:Whenever', 'END:VEVENT',
        'BEGIN:VEVENT', 'UID:no-zone', 'SUMMARY:Mystery', 'DTSTART;TZID=Atlantis Time:20270101T100000', 'END:VEVENT',
        'BEGIN:VEVENT', 'UID:fine', 'SUMMARY:Fine', 'DTSTART;VALUE=DATE:20270105', 'END:VEVENT',
        'END:VCALENDAR',
      ),
    );
    expect(result.added).toBe(1);
    expect(result.skipped).toEqual([
      { uid: 'no-start', reason: '"Whenever": it has no start (DTSTART)' },
      { uid: 'no-zone', reason: '"Mystery": its time zone "Atlantis Time" is neither an IANA name nor defined in the file (no VTIMEZONE)' },
    ]);
  });

  it('refuses a file whose recurrence rule ical.js cannot read, naming the line', () => {
    const error = refusal(() =>
      calendar.importIcs(spaceId, ics('BEGIN:VCALENDAR', 'VERSION:2.0', 'BEGIN:VEVENT', 'UID:r', 'DTSTART:20270101T100000Z', 'RRULE:FREQ=SOMETIMES', 'END:VEVENT', 'END:VCALENDAR'), { fileName: 'rule.ics' }),
    );
    expect(error.message).toMatch(/^rule\.ics line 6: invalid frequency "SOMETIMES"/);
  });
});
