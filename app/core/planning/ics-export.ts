/**
 * A space's calendar as an .ics file calendar programs accept (RFC 5545): the events are written by `ics`; a
 * timed event in a named zone keeps it (`DTSTART;TZID=Europe/Berlin:…`, with a VTIMEZONE written from luxon's
 * zone data), so a weekly series stays at its local hour across daylight saving time in every program. `ics`
 * has no TZID, EXDATE-with-zone or RECURRENCE-ID of its own: those lines are set on the block it wrote for the
 * event. Events in UTC or a fixed offset are written in UTC.
 */
import { createEvents, type EventAttributes } from 'ics';
import { DateTime, IANAZone } from 'luxon';
import { HearthError, type CalendarEvent } from '../../../schemas/index.js';

export function renderCalendar(events: CalendarEvent[], options: { calendarName: string }): string {
  const attributes = events.map(toAttributes);
  if (attributes.length === 0) return emptyCalendar(options.calendarName);
  const { error, value } = createEvents(attributes, { productId: '-//Hearth//Calendar//EN', method: 'PUBLISH', calName: options.calendarName });
  if (error || value === null) throw new HearthError('INTERNAL', `The calendar "${options.calendarName}" could not be written: ${error?.message ?? 'no output'}.`);

  const blocks = value.split('BEGIN:VEVENT\r\n');
  const header = blocks.shift()!;
  const written = blocks.map((block, index) => withZoneLines(block, events[index]!));
  const zones = [...new Set(events.flatMap((event) => (zoneNameOf(event) ? [zoneNameOf(event)!] : [])))];
  const years = events.map((event) => Number(event.start.slice(0, 4)));
  const timezones = zones.map((zone) => vtimezone(zone, Math.min(...years) - 1, Math.max(...years, new Date().getUTCFullYear()) + 10)).join('');
  return header + timezones + written.map((block) => `BEGIN:VEVENT\r\n${block}`).join('');
}

function toAttributes(event: CalendarEvent): EventAttributes {
  const zone = zoneNameOf(event);
  const stamp = Date.parse(event.updatedAt);
  // `timestamp` (DTSTAMP) is read by ics but missing from its types: the event's last change, so an unchanged
  // calendar exports to the same file.
  const attributes: EventAttributes & { timestamp: number } = {
    uid: event.uid,
    title: event.title,
    start: event.allDay ? dateArray(event.start) : timeValue(event.start, zone),
    end: event.allDay ? dateArray(event.end) : timeValue(event.end, zone),
    ...(event.description ? { description: event.description } : {}),
    ...(event.location ? { location: event.location } : {}),
    ...(event.recurrence ? { recurrenceRule: event.recurrence.replace(/^RRULE:/i, '') } : {}),
    transp: event.busy ? 'OPAQUE' : 'TRANSPARENT',
    busyStatus: event.busy ? 'BUSY' : 'FREE',
    timestamp: Number.isNaN(stamp) ? Date.now() : stamp,
  };
  return attributes;
}

/** A time as `ics` writes it untouched: local `20270301T090000` in the event's zone, or UTC `…Z`. */
function timeValue(iso: string, zone: string | undefined): string {
  const time = DateTime.fromISO(iso, { setZone: true });
  return zone ? time.setZone(zone).toFormat("yyyyMMdd'T'HHmmss") : time.toUTC().toFormat("yyyyMMdd'T'HHmmss'Z'");
}

/** The IANA zone an event is written in, or none (UTC and fixed offsets are written as UTC). */
function zoneNameOf(event: CalendarEvent): string | undefined {
  if (event.allDay || !event.timeZone || event.timeZone === 'UTC' || !IANAZone.isValidZone(event.timeZone)) return undefined;
  return event.timeZone;
}

/** Sets TZID on the block's start and end, and adds the EXDATE and RECURRENCE-ID lines `ics` cannot write. */
function withZoneLines(block: string, event: CalendarEvent): string {
  const zone = zoneNameOf(event);
  let text = zone ? block.replace(/^(DTSTART|DTEND):/gm, `$1;TZID=${zone}:`) : block;
  const extra: string[] = [];
  const local = (value: string) =>
    event.allDay
      ? value.slice(0, 10).replaceAll('-', '')
      : zone
        ? value.replace(/[-:]/g, '').slice(0, 15)
        : DateTime.fromISO(value, { zone: event.timeZone ?? 'UTC' }).toUTC().toFormat("yyyyMMdd'T'HHmmss'Z'");
  const parameter = event.allDay ? ';VALUE=DATE' : zone ? `;TZID=${zone}` : '';
  if (event.exceptions.length > 0) extra.push(fold(`EXDATE${parameter}:${event.exceptions.map(local).join(',')}`));
  if (event.recurrenceId) extra.push(fold(`RECURRENCE-ID${parameter}:${local(event.recurrenceId)}`));
  if (extra.length > 0) text = text.replace('END:VEVENT\r\n', `${extra.join('\r\n')}\r\nEND:VEVENT\r\n`); // the block's one END (the last block also ends the calendar)
  return text;
}

/**
 * A VTIMEZONE for an IANA zone: one observance per change of offset between two years (luxon's zone data,
 * found week by week and narrowed to the minute), which every program reads without needing the rule behind it.
 */
export function vtimezone(zone: string, fromYear: number, toYear: number): string {
  const lines = ['BEGIN:VTIMEZONE', `TZID:${zone}`];
  const begin = DateTime.fromObject({ year: fromYear, month: 1, day: 1 }, { zone });
  lines.push(...observance(begin, begin.offset, begin.offset));
  const until = DateTime.fromObject({ year: toYear + 1, month: 1, day: 1 }, { zone }).toMillis();
  // A week at a time: no zone changes its offset twice within a week.
  for (let day = begin; day.toMillis() < until; ) {
    const next = day.plus({ days: 7 });
    if (next.offset !== day.offset) {
      let low = day.toMillis();
      let high = next.toMillis();
      while (high - low > 60_000) {
        const middle = Math.floor((low + high) / 120_000) * 60_000;
        if (DateTime.fromMillis(middle, { zone }).offset === day.offset) low = middle;
        else high = middle;
      }
      const after = DateTime.fromMillis(high, { zone });
      lines.push(...observance(after, day.offset, after.offset));
    }
    day = next;
  }
  lines.push('END:VTIMEZONE');
  return lines.map((line) => `${line}\r\n`).join('');
}

/** One STANDARD or DAYLIGHT: its DTSTART is the local time of the change as it was read before the change. */
function observance(at: DateTime, fromOffset: number, toOffset: number): string[] {
  const kind = at.isInDST ? 'DAYLIGHT' : 'STANDARD';
  const before = at.toUTC().plus({ minutes: fromOffset });
  return [
    `BEGIN:${kind}`,
    `DTSTART:${before.toFormat("yyyyMMdd'T'HHmmss")}`,
    `TZOFFSETFROM:${offsetText(fromOffset)}`,
    `TZOFFSETTO:${offsetText(toOffset)}`,
    `TZNAME:${at.offsetNameShort ?? offsetText(toOffset)}`,
    `END:${kind}`,
  ];
}

function offsetText(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}${String(abs % 60).padStart(2, '0')}`;
}

function dateArray(date: string): [number, number, number] {
  const [year, month, day] = date.slice(0, 10).split('-').map(Number) as [number, number, number];
  return [year, month, day];
}

/** RFC 5545 folding: lines past 75 octets continue on the next line after a space. */
function fold(line: string): string {
  const parts = [line.slice(0, 75)];
  for (let at = 75; at < line.length; at += 74) parts.push(` ${line.slice(at, at + 74)}`);
  return parts.join('\r\n');
}

function emptyCalendar(name: string): string {
  return ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Hearth//Calendar//EN', 'METHOD:PUBLISH', `X-WR-CALNAME:${name}`, 'END:VCALENDAR', ''].join('\r\n');
}
