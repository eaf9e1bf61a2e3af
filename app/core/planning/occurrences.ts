/**
 * When an event happens: its occurrences within a range. The time-zone rule is here — a timed event lives in
 * its own zone (its local start and the IANA zone, or a fixed offset when the file's zone had no IANA name), so
 * a weekly 09:00 in Berlin is 09:00 in Berlin before and after daylight saving time changes; an all-day event
 * is a run of dates, the same days wherever it is read, laid on the reader's zone only when instants are
 * needed (free slots, conflicts). Recurrence rules are expanded by ical.js in local wall time, then placed in
 * the zone by luxon.
 */
import ICAL from 'ical.js';
import { DateTime, IANAZone, Info } from 'luxon';
import { HearthError, type CalendarEvent, type Occurrence } from '../../../schemas/index.js';

/** A range of instants, in epoch milliseconds, end exclusive. */
export interface Instants {
  from: number;
  to: number;
}

/** How many occurrences of one series are walked at most: a daily rule since 1990 still lists, a rule without end does not loop forever. */
const maxWalk = 50_000;

/** A zone luxon can place times in: an IANA name, `UTC`, or a fixed offset `UTC+03:00`. */
export function checkedZone(zone: string | undefined, what = 'the time zone'): string {
  if (zone === undefined || zone === '' || /^(utc|z|gmt)$/i.test(zone)) return 'UTC';
  if (IANAZone.isValidZone(zone)) return new IANAZone(zone).name;
  if (/^utc[+-]\d{1,2}(:\d{2})?$/i.test(zone) && Info.normalizeZone(zone)?.isValid) return zone.toUpperCase();
  throw new HearthError('BAD_REQUEST', `${what} "${zone}" is not a time zone Hearth knows; use an IANA name such as Europe/Berlin or America/New_York.`, { timeZone: zone });
}

/** The instant a local wall time has in a zone. */
export function instantOf(local: string, zone: string): DateTime {
  return DateTime.fromISO(local, { zone });
}

/** A local wall time as ical.js and the store write it: `2027-03-01T09:00:00`. */
export function localString(time: DateTime): string {
  return time.toFormat("yyyy-MM-dd'T'HH:mm:ss");
}

/** An ISO date-time with its offset, seconds kept, milliseconds dropped: `2027-03-01T09:00:00+01:00`. */
export function isoWithOffset(time: DateTime): string {
  return time.toISO({ suppressMilliseconds: true, includeOffset: true })!;
}

/** Where an all-day date starts in a zone. */
export function dayStart(date: string, zone: string): DateTime {
  return DateTime.fromISO(date, { zone }).startOf('day');
}

/**
 * The occurrences of an event that overlap `range`, in start order, written in `viewZone` (timed) or as dates
 * (all-day). `overridden` holds the local starts of occurrences a RECURRENCE-ID override replaces.
 */
export function occurrencesOf(event: CalendarEvent, range: Instants, viewZone: string, overridden: ReadonlySet<string> = new Set()): Occurrence[] {
  const zone = event.allDay ? viewZone : event.timeZone ?? 'UTC';
  const first = bounds(event, event.allDay ? event.start : localOf(event.start, zone), zone);
  const length = first.end.toMillis() - first.start.toMillis();
  const make = (start: DateTime, end: DateTime): Occurrence => ({
    eventId: event.id,
    uid: event.uid,
    title: event.title,
    location: event.location,
    allDay: event.allDay,
    start: event.allDay ? start.toISODate()! : isoWithOffset(start.setZone(viewZone)),
    end: event.allDay ? end.toISODate()! : isoWithOffset(end.setZone(viewZone)),
    busy: event.busy,
    recurring: event.recurrence !== undefined,
  });
  const overlaps = (start: DateTime, end: DateTime) => start.toMillis() < range.to && Math.max(end.toMillis(), start.toMillis() + 1) > range.from;

  if (event.recurrence === undefined) return overlaps(first.start, first.end) ? [make(first.start, first.end)] : [];

  const skip = new Set([...event.exceptions, ...overridden]);
  const dtstart = event.allDay ? ICAL.Time.fromDateString(event.start) : ICAL.Time.fromDateTimeString(localOf(event.start, zone));
  const recur = recurrenceOf(event.recurrence, `event "${event.title}"`);
  // UNTIL in UTC is compared with floating local times by the iterator: move it into the event's zone first.
  if (recur.until && recur.until.zone === ICAL.Timezone.utcTimezone && !event.allDay) {
    recur.until = ICAL.Time.fromDateTimeString(localString(DateTime.fromISO(recur.until.toString(), { zone: 'utc' }).setZone(zone)));
  }
  const found: Occurrence[] = [];
  const iterator = recur.iterator(dtstart);
  for (let walked = 0, next = iterator.next(); next && walked < maxWalk; walked++, next = iterator.next()) {
    const local = next.toString();
    const start = event.allDay ? dayStart(local, zone) : instantOf(local, zone);
    if (start.toMillis() >= range.to) break;
    if (skip.has(local)) continue;
    const end = event.allDay ? dayStart(local, zone).plus({ days: daysBetween(event.start, event.end) }) : start.plus({ milliseconds: length });
    if (overlaps(start, end)) found.push(make(start, end));
  }
  return found;
}

/** A recurrence rule ical.js understands, or a clear error naming it. */
export function recurrenceOf(rule: string, what: string): ICAL.Recur {
  try {
    return ICAL.Recur.fromString(rule.replace(/^RRULE:/i, ''));
  } catch (error) {
    throw new HearthError('BAD_REQUEST', `The recurrence of ${what}, "${rule}", is not an RRULE: ${(error as Error).message}.`, { recurrence: rule });
  }
}

/** Whether a series has an end (COUNT or UNTIL), so listing "all of it" is finite. */
export function seriesEnds(rule: string): boolean {
  return /(^|;)(COUNT|UNTIL)=/i.test(rule);
}

function bounds(event: CalendarEvent, start: string, zone: string): { start: DateTime; end: DateTime } {
  if (event.allDay) return { start: dayStart(start, zone), end: dayStart(event.end, zone) };
  return { start: instantOf(start, zone), end: instantOf(localOf(event.end, zone), zone) };
}

/** The local wall time of a stored ISO time (which carries its offset) in the event's zone. */
function localOf(iso: string, zone: string): string {
  return localString(DateTime.fromISO(iso, { setZone: true }).setZone(zone));
}

export function daysBetween(from: string, to: string): number {
  return Math.max(1, Math.round(DateTime.fromISO(to, { zone: 'utc' }).diff(DateTime.fromISO(from, { zone: 'utc' }), 'days').days));
}
