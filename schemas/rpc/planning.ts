/**
 * Planning: a space's tasks (owner, due date, what they depend on) and its calendar (events added by people or
 * agents, and a user's own .ics imported), with free slots and conflicts worked out across both. Agents reach
 * the same data through the `tasks` and `calendar` tools; every task and event says which run made it.
 */
import { z } from 'zod';
import { Id } from '../domain.js';
import { call, inSpace } from './spec.js';

/** A calendar date, `2027-03-17`. */
export const IsoDate = z.iso.date();
/** An instant with its offset (`2027-03-17T09:00:00+01:00` or `…Z`), a local date-time, or a date for an all-day bound. */
export const IsoDateTime = z.union([z.iso.date(), z.iso.datetime({ offset: true, local: true })]);

/** The agent run (job id) and tool call that made a task or an event; absent for what a person made. */
export const PlanningOrigin = z.object({ runId: z.string().min(1), callKey: z.string().min(1) });
export type PlanningOrigin = z.infer<typeof PlanningOrigin>;

export const TaskStatus = z.enum(['open', 'done']);
export type TaskStatus = z.infer<typeof TaskStatus>;

export const TaskInfo = z.object({
  id: Id,
  spaceId: Id,
  title: z.string(),
  notes: z.string(),
  owner: z.string().optional(),
  due: IsoDate.optional(),
  status: TaskStatus,
  /** The tasks that must be done before this one, by id (all in the same space; never a cycle). */
  dependsOn: z.array(Id),
  createdAt: z.string(),
  updatedAt: z.string(),
  completedAt: z.string().optional(),
  origin: PlanningOrigin.optional(),
});
export type TaskInfo = z.infer<typeof TaskInfo>;

export const TaskInput = z.object({
  title: z.string().trim().min(1).max(300),
  notes: z.string().max(8000).optional(),
  owner: z.string().trim().min(1).max(120).optional(),
  due: IsoDate.optional(),
  dependsOn: z.array(Id).max(50).optional(),
});
export type TaskInput = z.infer<typeof TaskInput>;

/** What an update changes; `null` clears an owner or a due date. */
export const TaskPatch = z.object({
  title: z.string().trim().min(1).max(300).optional(),
  notes: z.string().max(8000).optional(),
  owner: z.string().trim().min(1).max(120).nullable().optional(),
  due: IsoDate.nullable().optional(),
  status: TaskStatus.optional(),
  dependsOn: z.array(Id).max(50).optional(),
});
export type TaskPatch = z.infer<typeof TaskPatch>;

export const TaskFilter = z.object({
  status: TaskStatus.optional(),
  owner: z.string().optional(),
  /** Only tasks due on or before this date. */
  dueBefore: IsoDate.optional(),
});
export type TaskFilter = z.infer<typeof TaskFilter>;

/**
 * An event as kept. A timed event's `start`/`end` carry the offset they have in `timeZone` (an IANA name, or a
 * fixed offset such as `UTC+03:00` when the file's zone had no IANA name); an all-day event's are dates, the
 * end exclusive, and mean the same days in every zone.
 */
export const CalendarEvent = z.object({
  id: Id,
  spaceId: Id,
  /** The iCalendar UID: importing a file with the same UID again updates the event. */
  uid: z.string(),
  /** Set on an override of one occurrence of a recurring event (RECURRENCE-ID), as the occurrence's local start. */
  recurrenceId: z.string().optional(),
  title: z.string(),
  description: z.string(),
  location: z.string(),
  allDay: z.boolean(),
  start: IsoDateTime,
  end: IsoDateTime,
  timeZone: z.string().optional(),
  /** The RRULE as written (`FREQ=WEEKLY;BYDAY=MO`), kept so the event exports as the series it is. */
  recurrence: z.string().optional(),
  /** Occurrences taken out of the series (EXDATE), as local starts. */
  exceptions: z.array(z.string()),
  /** Whether it blocks time (TRANSP:OPAQUE): free slots go around it and it can conflict. */
  busy: z.boolean(),
  source: z.enum(['hearth', 'import']),
  createdAt: z.string(),
  updatedAt: z.string(),
  origin: PlanningOrigin.optional(),
});
export type CalendarEvent = z.infer<typeof CalendarEvent>;

export const EventInput = z.object({
  title: z.string().trim().min(1).max(300),
  description: z.string().max(8000).optional(),
  location: z.string().max(300).optional(),
  /** A date (`2027-03-17`) for an all-day event, or a date-time; a date-time without an offset is read in `timeZone`. */
  start: IsoDateTime,
  /** Exclusive; default one hour after a timed start, the next day after an all-day one. */
  end: IsoDateTime.optional(),
  /** IANA zone (`Europe/Berlin`); default UTC. */
  timeZone: z.string().max(64).optional(),
  recurrence: z.string().max(500).optional(),
  busy: z.boolean().optional(),
  uid: z.string().max(300).optional(),
});
export type EventInput = z.infer<typeof EventInput>;

/** One occurrence of an event (a one-off event has one), in the zone it was asked in. */
export const Occurrence = z.object({
  eventId: Id,
  uid: z.string(),
  title: z.string(),
  location: z.string(),
  allDay: z.boolean(),
  start: IsoDateTime,
  end: IsoDateTime,
  busy: z.boolean(),
  recurring: z.boolean(),
});
export type Occurrence = z.infer<typeof Occurrence>;

export const CalendarRange = z.object({
  from: IsoDateTime,
  to: IsoDateTime,
  /** The zone dates and all-day events are read in, and occurrences are written in; default UTC. */
  timeZone: z.string().max(64).optional(),
});
export type CalendarRange = z.infer<typeof CalendarRange>;

export const WorkingHours = z.object({
  /** Local start of the working day, `09:00`. */
  start: z.string().regex(/^\d{2}:\d{2}$/),
  end: z.string().regex(/^\d{2}:\d{2}$/),
  /** ISO weekdays worked, 1 = Monday … 7 = Sunday. */
  days: z.array(z.number().int().min(1).max(7)).min(1).max(7),
});
export type WorkingHours = z.infer<typeof WorkingHours>;

export const FreeSlotsQuery = CalendarRange.extend({
  durationMinutes: z.number().int().min(5).max(24 * 60),
  /** Default 09:00–17:00, Monday to Friday, in `timeZone`. */
  workingHours: WorkingHours.optional(),
  /** At most this many slots; default 20. */
  limit: z.number().int().min(1).max(200).optional(),
});
export type FreeSlotsQuery = z.infer<typeof FreeSlotsQuery>;

export const Slot = z.object({ start: IsoDateTime, end: IsoDateTime });
export type Slot = z.infer<typeof Slot>;

/** Two busy occurrences that overlap. */
export const Conflict = z.object({ first: Occurrence, second: Occurrence, overlapMinutes: z.number().int().nonnegative() });
export type Conflict = z.infer<typeof Conflict>;

export const ImportProblem = z.object({ uid: z.string().optional(), reason: z.string() });
export type ImportProblem = z.infer<typeof ImportProblem>;
export const IcsImportResult = z.object({ added: z.number().int().nonnegative(), updated: z.number().int().nonnegative(), skipped: z.array(ImportProblem) });
export type IcsImportResult = z.infer<typeof IcsImportResult>;

const TaskRef = z.object({ taskId: Id });

export const planningMethods = {
  'tasks.list': call(z.object({ spaceId: Id, filter: TaskFilter.optional() }), z.array(TaskInfo), inSpace('viewer')),
  'tasks.create': call(z.object({ spaceId: Id, task: TaskInput }), TaskInfo, inSpace('editor')),
  'tasks.update': call(TaskRef.extend({ patch: TaskPatch }), TaskInfo, inSpace('editor', { task: 'taskId' })),
  'tasks.complete': call(TaskRef.extend({ done: z.boolean().default(true) }), TaskInfo, inSpace('editor', { task: 'taskId' })),
  /** The space's events (each once, as kept) and their occurrences in the range, in start order. */
  'calendar.list': call(
    z.object({ spaceId: Id, range: CalendarRange.optional() }),
    z.object({ events: z.array(CalendarEvent), occurrences: z.array(Occurrence) }),
    inSpace('viewer'),
  ),
  'calendar.add': call(z.object({ spaceId: Id, event: EventInput }), CalendarEvent, inSpace('editor')),
  /** Adds a user's .ics (as text): events with a UID the space has are updated, not added again. */
  'calendar.import': call(
    z.object({ spaceId: Id, text: z.string().min(1).max(8 * 1024 * 1024), fileName: z.string().max(300).optional(), timeZone: z.string().max(64).optional() }),
    IcsImportResult,
    inSpace('editor'),
  ),
  /** The space's calendar as an .ics file (text), optionally only the events that occur in a range. */
  'calendar.export': call(
    z.object({ spaceId: Id, range: CalendarRange.optional() }),
    z.object({ fileName: z.string(), text: z.string() }),
    inSpace('viewer'),
  ),
  'calendar.freeSlots': call(z.object({ spaceId: Id, query: FreeSlotsQuery }), z.array(Slot), inSpace('viewer')),
  'calendar.conflicts': call(z.object({ spaceId: Id, range: CalendarRange }), z.array(Conflict), inSpace('viewer')),
} as const;
