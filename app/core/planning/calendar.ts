/**
 * A space's calendar, kept in the data folder's database: events people or agents add, and a user's .ics
 * imported (a re-import of the same UID updates the event). It lists occurrences within a range (recurring
 * events expanded), finds free slots and conflicts, and exports the whole calendar as an .ics file.
 */
import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import {
  HearthError,
  type CalendarEvent,
  type CalendarRange,
  type Conflict,
  type EventInput,
  type FreeSlotsQuery,
  type IcsImportResult,
  type Occurrence,
  type PlanningOrigin,
  type Slot,
} from '../../../schemas/index.js';
import type { Db } from '../storage/index.js';
import { conflictsAmong, freeSlots, instantsOf } from './free-slots.js';
import { renderCalendar } from './ics-export.js';
import { parseIcs, type ParsedEvent } from './ics-import.js';
import { checkedZone, instantOf, isoWithOffset, localString, occurrencesOf, recurrenceOf, type Instants } from './occurrences.js';

interface EventRow {
  id: string;
  space_id: string;
  uid: string;
  recurrence_id: string;
  title: string;
  description: string;
  location: string;
  all_day: number;
  start_local: string;
  end_local: string;
  time_zone: string | null;
  recurrence: string | null;
  exceptions: string;
  busy: number;
  source: 'hearth' | 'import';
  origin_run_id: string | null;
  origin_call_key: string | null;
  created_at: string;
  updated_at: string;
}

/** The occurrences listed when no range is asked: the next 30 days. */
const defaultDays = 30;

export class Calendar {
  constructor(private readonly db: Db) {}

  /** Adds an event a person or an agent wrote; times without an offset are read in its `timeZone` (default UTC). */
  add(spaceId: string, input: EventInput, origin?: PlanningOrigin): CalendarEvent {
    return this.addMany(spaceId, [input], origin)[0]!;
  }

  addMany(spaceId: string, inputs: EventInput[], origin?: PlanningOrigin): CalendarEvent[] {
    const parsed = inputs.map((input) => parsedFromInput(input));
    return this.db.transaction(() =>
      parsed.map((event, index) => this.get(this.upsert(spaceId, event, 'hearth', origin ? { ...origin, index } : undefined).id)),
    )();
  }

  /** The events a run's tool call added, in order: a replayed call returns them instead of adding them again. */
  madeBy(origin: PlanningOrigin): CalendarEvent[] {
    const rows = this.db
      .prepare('SELECT * FROM calendar_events WHERE origin_run_id = ? AND origin_call_key = ? ORDER BY origin_index')
      .all(origin.runId, origin.callKey) as EventRow[];
    return rows.map(toEvent);
  }

  /**
   * Imports a user's .ics: every readable event added, or updated where the space has its UID already;
   * the unreadable ones skipped with why. A file that is not iCalendar is refused whole, naming the line.
   */
  importIcs(spaceId: string, text: string, options: { fileName?: string | undefined; timeZone?: string | undefined } = {}): IcsImportResult {
    const { events, skipped } = parseIcs(text, options);
    let added = 0;
    let updated = 0;
    this.db.transaction(() => {
      for (const event of events) {
        if (this.upsert(spaceId, event, 'import', undefined).added) added++;
        else updated++;
      }
    })();
    return { added, updated, skipped };
  }

  /** The space's events (masters and overrides, by first start), and their occurrences in the range, by start. */
  list(spaceId: string, range?: CalendarRange): { events: CalendarEvent[]; occurrences: Occurrence[] } {
    const events = this.events(spaceId);
    return { events, occurrences: this.occurrences(events, range) };
  }

  exportIcs(spaceId: string, range?: CalendarRange, calendarName = 'Hearth calendar'): string {
    let events = this.events(spaceId);
    if (range) {
      const occurring = new Set(this.occurrences(events, range).map((occurrence) => occurrence.eventId));
      events = events.filter((event) => occurring.has(event.id));
    }
    return renderCalendar(events, { calendarName });
  }

  freeSlots(spaceId: string, query: FreeSlotsQuery): Slot[] {
    const zone = checkedZone(query.timeZone);
    return freeSlots(this.occurrences(this.events(spaceId), query), instantsOf(query, zone), {
      durationMinutes: query.durationMinutes,
      workingHours: query.workingHours,
      zone,
      limit: query.limit,
    });
  }

  conflicts(spaceId: string, range: CalendarRange): Conflict[] {
    return conflictsAmong(this.occurrences(this.events(spaceId), range), checkedZone(range.timeZone));
  }

  get(eventId: string): CalendarEvent {
    const row = this.db.prepare('SELECT * FROM calendar_events WHERE id = ?').get(eventId) as EventRow | undefined;
    if (!row) throw new HearthError('NOT_FOUND', `There is no calendar event with id ${eventId}.`, { eventId });
    return toEvent(row);
  }

  remove(eventId: string): void {
    this.db.prepare('DELETE FROM calendar_events WHERE id = ?').run(eventId);
  }

  spaceOf(eventId: string): string | undefined {
    return (this.db.prepare('SELECT space_id FROM calendar_events WHERE id = ?').get(eventId) as { space_id: string } | undefined)?.space_id;
  }

  private events(spaceId: string): CalendarEvent[] {
    return (this.db.prepare('SELECT * FROM calendar_events WHERE space_id = ? ORDER BY start_utc, rowid').all(spaceId) as EventRow[]).map(toEvent);
  }

  private occurrences(events: CalendarEvent[], range: CalendarRange | undefined): Occurrence[] {
    const zone = checkedZone(range?.timeZone);
    const instants: Instants = range
      ? instantsOf(range, zone)
      : { from: DateTime.now().setZone(zone).startOf('day').toMillis(), to: DateTime.now().setZone(zone).startOf('day').plus({ days: defaultDays }).toMillis() };
    // An override replaces the occurrence of its series that started at its RECURRENCE-ID.
    const overridden = new Map<string, Set<string>>();
    for (const event of events) {
      if (event.recurrenceId) overridden.set(event.uid, (overridden.get(event.uid) ?? new Set()).add(event.recurrenceId));
    }
    return events
      .flatMap((event) => occurrencesOf(event, instants, zone, event.recurrenceId ? new Set() : overridden.get(event.uid)))
      .sort((a, b) => startMillis(a, zone) - startMillis(b, zone) || a.title.localeCompare(b.title));
  }

  /** Writes an event by its UID (and RECURRENCE-ID): a new row, or the one the space has updated in place. */
  private upsert(spaceId: string, event: ParsedEvent, source: 'hearth' | 'import', origin: (PlanningOrigin & { index: number }) | undefined): { id: string; added: boolean } {
    const existing = this.db
      .prepare('SELECT id FROM calendar_events WHERE space_id = ? AND uid = ? AND recurrence_id = ?')
      .get(spaceId, event.uid, event.recurrenceId) as { id: string } | undefined;
    const now = new Date().toISOString();
    const zone = event.timeZone ?? 'UTC';
    const startUtc = event.allDay ? `${event.startLocal}T00:00:00.000Z` : instantOf(event.startLocal, zone).toUTC().toISO()!;
    const endUtc = event.allDay ? `${event.endLocal}T00:00:00.000Z` : instantOf(event.endLocal, zone).toUTC().toISO()!;
    const values = {
      title: event.title,
      description: event.description,
      location: event.location,
      allDay: event.allDay ? 1 : 0,
      startLocal: event.startLocal,
      endLocal: event.endLocal,
      timeZone: event.timeZone ?? null,
      startUtc,
      endUtc,
      recurrence: event.recurrence ?? null,
      exceptions: JSON.stringify(event.exceptions),
      busy: event.busy ? 1 : 0,
      now,
    };
    if (existing) {
      this.db
        .prepare(
          `UPDATE calendar_events SET title = @title, description = @description, location = @location, all_day = @allDay, start_local = @startLocal,
             end_local = @endLocal, time_zone = @timeZone, start_utc = @startUtc, end_utc = @endUtc, recurrence = @recurrence, exceptions = @exceptions,
             busy = @busy, updated_at = @now WHERE id = @id`,
        )
        .run({ ...values, id: existing.id });
      return { id: existing.id, added: false };
    }
    const id = randomUUID();
    this.db
      .prepare(
        `INSERT INTO calendar_events (id, space_id, uid, recurrence_id, title, description, location, all_day, start_local, end_local, time_zone, start_utc, end_utc,
           recurrence, exceptions, busy, source, origin_run_id, origin_call_key, origin_index, created_at, updated_at)
         VALUES (@id, @spaceId, @uid, @recurrenceId, @title, @description, @location, @allDay, @startLocal, @endLocal, @timeZone, @startUtc, @endUtc,
           @recurrence, @exceptions, @busy, @source, @runId, @callKey, @index, @now, @now)`,
      )
      .run({ ...values, id, spaceId, uid: event.uid, recurrenceId: event.recurrenceId, source, runId: origin?.runId ?? null, callKey: origin?.callKey ?? null, index: origin?.index ?? 0 });
    return { id, added: true };
  }
}

/** An event as written by a person or an agent, checked and put in the form a parsed file has. */
function parsedFromInput(input: EventInput): ParsedEvent {
  const what = `the event "${input.title}"`;
  const allDay = /^\d{4}-\d{2}-\d{2}$/.test(input.start);
  const zone = allDay ? undefined : checkedZone(input.timeZone, `The time zone of ${what}`);
  const read = (value: string, name: string) => {
    if (allDay) {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) throw new HearthError('BAD_REQUEST', `${what} starts on a date (all day) but its ${name} "${value}" is not a date.`, { [name]: value });
      const date = DateTime.fromISO(value, { zone: 'utc' });
      if (!date.isValid) throw new HearthError('BAD_REQUEST', `The ${name} of ${what}, "${value}", is not a date (YYYY-MM-DD).`, { [name]: value });
      return date;
    }
    const time = DateTime.fromISO(value, { zone, setZone: false });
    if (!time.isValid || value.length === 10) throw new HearthError('BAD_REQUEST', `The ${name} of ${what}, "${value}", is not a date-time such as 2027-03-17T09:00 (the start is a time, so the end must be one too).`, { [name]: value });
    return time.setZone(zone!);
  };
  const start = read(input.start, 'start');
  const end = input.end === undefined ? start.plus(allDay ? { days: 1 } : { hours: 1 }) : read(input.end, 'end');
  if (allDay ? end <= start : end < start) throw new HearthError('BAD_REQUEST', `${what} ends (${input.end}) before it starts (${input.start}).`, { start: input.start, end: input.end });
  if (input.recurrence) recurrenceOf(input.recurrence, what);
  return {
    uid: input.uid ?? `${randomUUID()}@hearth`,
    recurrenceId: '',
    title: input.title.trim(),
    description: input.description ?? '',
    location: input.location ?? '',
    allDay,
    startLocal: allDay ? start.toISODate()! : localString(start),
    endLocal: allDay ? end.toISODate()! : localString(end),
    timeZone: zone,
    recurrence: input.recurrence?.replace(/^RRULE:/i, ''),
    exceptions: [],
    busy: input.busy ?? !allDay,
  };
}

function toEvent(row: EventRow): CalendarEvent {
  const allDay = row.all_day === 1;
  const zone = row.time_zone ?? 'UTC';
  return {
    id: row.id,
    spaceId: row.space_id,
    uid: row.uid,
    ...(row.recurrence_id !== '' ? { recurrenceId: row.recurrence_id } : {}),
    title: row.title,
    description: row.description,
    location: row.location,
    allDay,
    start: allDay ? row.start_local : isoWithOffset(instantOf(row.start_local, zone)),
    end: allDay ? row.end_local : isoWithOffset(instantOf(row.end_local, zone)),
    ...(row.time_zone !== null ? { timeZone: row.time_zone } : {}),
    ...(row.recurrence !== null ? { recurrence: row.recurrence } : {}),
    exceptions: JSON.parse(row.exceptions) as string[],
    busy: row.busy === 1,
    source: row.source,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    ...(row.origin_run_id !== null && row.origin_call_key !== null ? { origin: { runId: row.origin_run_id, callKey: row.origin_call_key } } : {}),
  };
}

function startMillis(occurrence: Occurrence, zone: string): number {
  return occurrence.allDay ? DateTime.fromISO(occurrence.start, { zone }).toMillis() : Date.parse(occurrence.start);
}
