/**
 * Reads a user's .ics (RFC 5545, parsed by ical.js) into events as the calendar keeps them: each VEVENT's
 * times in its own zone (TZID resolved to an IANA name where it is one, or through the file's VTIMEZONE to a
 * fixed offset where it is not — Outlook's "W. Europe Standard Time"), all-day dates, the RRULE as written,
 * EXDATEs, and overrides of single occurrences (RECURRENCE-ID). A file that is not iCalendar at all is refused
 * naming the line; an event that cannot be read is skipped with its UID and why, the rest still imported.
 */
import { createHash } from 'node:crypto';
import ICAL from 'ical.js';
import { DateTime, IANAZone } from 'luxon';
import { HearthError, type ImportProblem } from '../../../schemas/index.js';
import { checkedZone, localString, recurrenceOf } from './occurrences.js';

/** An event as read from a file, before it is kept (ids and times of keeping are the store's). */
export interface ParsedEvent {
  uid: string;
  recurrenceId: string;
  title: string;
  description: string;
  location: string;
  allDay: boolean;
  /** A date (all-day) or a local wall time in `timeZone`. */
  startLocal: string;
  endLocal: string;
  timeZone: string | undefined;
  recurrence: string | undefined;
  exceptions: string[];
  busy: boolean;
}

export function parseIcs(text: string, options: { fileName?: string | undefined; timeZone?: string | undefined } = {}): { events: ParsedEvent[]; skipped: ImportProblem[] } {
  const file = options.fileName ?? 'the calendar file';
  const floatingZone = checkedZone(options.timeZone, 'The import time zone');
  checkStructure(text, file);
  let root: ICAL.Component;
  try {
    const parsed = ICAL.parse(text);
    root = new ICAL.Component(Array.isArray(parsed[0]) ? (parsed[0] as unknown as unknown[]) : parsed);
  } catch (error) {
    throw new HearthError('FILE_CORRUPT', `${file}${lineOfParserError(text, error)}: ${(error as Error).message}. Export the calendar again from its program.`, { fileName: options.fileName });
  }
  if (root.name !== 'vcalendar') throw new HearthError('FILE_CORRUPT', `${file} begins with ${root.name.toUpperCase()}, not VCALENDAR: it is not an iCalendar file.`);

  const zones = new Map(root.getAllSubcomponents('vtimezone').map((component) => [String(component.getFirstPropertyValue('tzid')), component]));
  const events: ParsedEvent[] = [];
  const skipped: ImportProblem[] = [];
  for (const vevent of root.getAllSubcomponents('vevent')) {
    const uid = vevent.getFirstPropertyValue('uid');
    try {
      const event = readEvent(vevent, zones, floatingZone);
      if (event) events.push(event);
      else skipped.push({ ...(uid ? { uid: String(uid) } : {}), reason: 'the event is cancelled (STATUS:CANCELLED)' });
    } catch (error) {
      const summary = vevent.getFirstPropertyValue('summary');
      skipped.push({ ...(uid ? { uid: String(uid) } : {}), reason: `${summary ? `"${String(summary)}": ` : ''}${(error as Error).message}` });
    }
  }
  if (events.length === 0 && skipped.length === 0) throw new HearthError('FILE_EMPTY', `${file} has no events (no VEVENT in its VCALENDAR).`);
  return { events, skipped };
}

function readEvent(vevent: ICAL.Component, zones: Map<string, ICAL.Component>, floatingZone: string): ParsedEvent | undefined {
  if (String(vevent.getFirstPropertyValue('status') ?? '').toUpperCase() === 'CANCELLED') return undefined;
  const startProperty = vevent.getFirstProperty('dtstart');
  if (!startProperty) throw new Error('it has no start (DTSTART)');
  const start = timeOf(startProperty, zones, floatingZone);
  const allDay = start.allDay;
  const zone = start.zone;
  let endLocal: string;
  const endProperty = vevent.getFirstProperty('dtend');
  const duration = vevent.getFirstPropertyValue('duration') as ICAL.Duration | null;
  if (endProperty) {
    const end = timeOf(endProperty, zones, floatingZone);
    if (end.allDay !== allDay) throw new Error('its start is a date and its end a date-time (or the other way round)');
    endLocal = allDay ? end.local : localString(DateTime.fromISO(end.local, { zone: end.zone }).setZone(zone));
  } else if (duration) {
    const from = allDay ? DateTime.fromISO(start.local, { zone: 'utc' }) : DateTime.fromISO(start.local, { zone });
    const to = from.plus({ seconds: duration.toSeconds() });
    endLocal = allDay ? to.toISODate()! : localString(to);
  } else {
    // RFC 5545: without DTEND or DURATION an all-day event takes its day, a timed one no time at all.
    endLocal = allDay ? DateTime.fromISO(start.local, { zone: 'utc' }).plus({ days: 1 }).toISODate()! : start.local;
  }
  if (endLocal < start.local) throw new Error(`it ends (${endLocal}) before it starts (${start.local})`);

  const rule = vevent.getFirstProperty('rrule');
  let recurrence: string | undefined;
  if (rule) {
    recurrence = String(rule.getFirstValue());
    recurrenceOf(recurrence, 'the event');
  }
  const exceptions = vevent.getAllProperties('exdate').flatMap((property) => {
    const zoneOf = timeOf(property, zones, floatingZone);
    return property.getValues().map((value) => localIn(value as ICAL.Time, zoneOf.zone, zone, allDay));
  });
  const recurrenceIdProperty = vevent.getFirstProperty('recurrence-id');
  const recurrenceId = recurrenceIdProperty ? localIn(recurrenceIdProperty.getFirstValue() as ICAL.Time, timeOf(recurrenceIdProperty, zones, floatingZone).zone, zone, allDay) : '';
  const transparency = String(vevent.getFirstPropertyValue('transp') ?? '').toUpperCase();
  const title = String(vevent.getFirstPropertyValue('summary') ?? '').trim() || '(no title)';
  return {
    uid: String(vevent.getFirstPropertyValue('uid') ?? '') || stableUid(title, start.local),
    recurrenceId,
    title,
    description: String(vevent.getFirstPropertyValue('description') ?? ''),
    location: String(vevent.getFirstPropertyValue('location') ?? ''),
    allDay,
    startLocal: start.local,
    endLocal,
    timeZone: allDay ? undefined : zone,
    recurrence,
    exceptions,
    // Timed events block time unless marked TRANSPARENT; all-day ones (holidays, deadlines) only when marked OPAQUE.
    busy: transparency === '' ? !allDay : transparency !== 'TRANSPARENT',
  };
}

/** A property's time as a local string (a date for all-day) and the zone it is in. */
function timeOf(property: ICAL.Property, zones: Map<string, ICAL.Component>, floatingZone: string): { local: string; zone: string; allDay: boolean } {
  const value = property.getFirstValue() as ICAL.Time;
  if (!(value instanceof ICAL.Time)) throw new Error(`its ${property.name.toUpperCase()} is not a date or date-time`);
  if (value.isDate) return { local: value.toString(), zone: floatingZone, allDay: true };
  const local = value.toString().replace(/Z$/, '');
  const tzid = property.getParameter('tzid') as string | undefined;
  if (value.zone === ICAL.Timezone.utcTimezone || value.toString().endsWith('Z')) return { local, zone: 'UTC', allDay: false };
  if (!tzid) return { local, zone: floatingZone, allDay: false };
  return { local, zone: zoneFor(tzid, zones, value), allDay: false };
}

/**
 * A TZID as a zone luxon can use: the IANA name itself (also inside Mozilla's `/mozilla.org/…/Europe/Berlin`
 * form, or as the VTIMEZONE's X-LIC-LOCATION); otherwise the fixed offset the file's VTIMEZONE gives at
 * that time, which is right for that time and loses only later changes of daylight saving time.
 */
function zoneFor(tzid: string, zones: Map<string, ICAL.Component>, at: ICAL.Time): string {
  const candidates = [tzid, tzid.replace(/^\/[^/]+\/[^/]+\//, ''), tzid.split('/').slice(-2).join('/')];
  const component = zones.get(tzid);
  const location = component?.getFirstPropertyValue('x-lic-location');
  if (location) candidates.push(String(location));
  for (const candidate of candidates) if (IANAZone.isValidZone(candidate)) return new IANAZone(candidate).name;
  if (!component) throw new Error(`its time zone "${tzid}" is neither an IANA name nor defined in the file (no VTIMEZONE)`);
  const seconds = new ICAL.Timezone(component).utcOffset(at);
  const sign = seconds < 0 ? '-' : '+';
  const minutes = Math.abs(seconds) / 60;
  return `UTC${sign}${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** An EXDATE or RECURRENCE-ID as the local start of the occurrence it names, in the event's zone. */
function localIn(value: ICAL.Time, valueZone: string, eventZone: string, allDay: boolean): string {
  if (allDay || value.isDate) return value.toString().slice(0, 10);
  return localString(DateTime.fromISO(value.toString().replace(/Z$/, ''), { zone: valueZone }).setZone(eventZone));
}

/** A file without UIDs still imports the same way twice: the UID is made from what the event is. */
function stableUid(title: string, start: string): string {
  return `${createHash('sha256').update(`${title}\n${start}`).digest('hex').slice(0, 24)}@import.hearth`;
}

/** Names the first line where BEGIN and END do not pair up, which ical.js reports without a line. */
function checkStructure(text: string, file: string): void {
  const open: { name: string; line: number }[] = [];
  const lines = text.split(/\r?\n/);
  let sawContent = false;
  lines.forEach((raw, index) => {
    if (/^[ \t]/.test(raw) || raw.trim() === '') return; // a folded continuation, or a blank line
    const line = index + 1;
    const match = /^(BEGIN|END):(.*)$/i.exec(raw.trim());
    if (!sawContent && !match) throw new HearthError('FILE_CORRUPT', `${file} line ${line}: "${raw.slice(0, 60)}" — an iCalendar file begins with BEGIN:VCALENDAR.`, { line });
    sawContent = true;
    if (!match) return;
    const name = match[2]!.trim().toUpperCase();
    if (match[1]!.toUpperCase() === 'BEGIN') {
      open.push({ name, line });
      return;
    }
    const top = open.pop();
    if (!top) throw new HearthError('FILE_CORRUPT', `${file} line ${line}: END:${name} closes nothing that began.`, { line });
    if (top.name !== name) {
      throw new HearthError('FILE_CORRUPT', `${file} line ${line}: END:${name} where the ${top.name} begun on line ${top.line} should end first.`, { line, component: top.name });
    }
  });
  const unclosed = open.pop();
  if (unclosed) throw new HearthError('FILE_CORRUPT', `${file}: the ${unclosed.name} begun on line ${unclosed.line} never ends (no END:${unclosed.name}).`, { line: unclosed.line, component: unclosed.name });
  if (!sawContent) throw new HearthError('FILE_EMPTY', `${file} is empty.`);
}

/** ical.js quotes the line (or the value) it could not read; find the first line holding one of them. */
function lineOfParserError(text: string, error: unknown): string {
  // The line itself comes last in the message ("invalid line (no token ";" or ":") "…""), a value first.
  const quoted = [...((error as Error).message ?? '').matchAll(/"([^"]+)"/g)].map((match) => match[1]!).reverse();
  const lines = text.split(/\r?\n/);
  for (const fragment of quoted) {
    const index = lines.findIndex((line) => line.includes(fragment));
    if (index >= 0) return ` line ${index + 1}`;
  }
  return '';
}
