/**
 * `calendar`: an agent keeps the space's calendar — adds events (a deadline as an all-day date, a meeting as a
 * time in a zone, a series by its RRULE), lists what happens in a range, finds free slots in working hours,
 * finds double bookings, and exports the calendar as .ics — as the caller, in the run's space. Events it adds
 * record the run and call that made them; the same call made again in the run returns them, not copies.
 */
import { z } from 'zod';
import { HearthError, type CalendarEvent, type EventInput, type Occurrence } from '../../../schemas/index.js';
import type { Calendar } from '../planning/index.js';
import { originOf } from './tasks-tool.js';
import { requireRole, type Tool, type ToolContext, type ToolOutcome } from './tool.js';
import { IsoDate, TimeOfDay, TimeZoneName, text } from './tool-input.js';

/** A date, or a local date-time read in `time_zone`: what a model writes most reliably. */
const When = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])(T([01]\d|2[0-3]):[0-5]\d)?$/, 'a date YYYY-MM-DD (all day) or a local date-time YYYY-MM-DDTHH:MM');

const EventDraft = z.object({
  title: text(200, 1).describe('What it is ("Deliver phase 1", "Kick-off with Acme").'),
  start: When.describe('A date YYYY-MM-DD for an all-day event (a deadline), or a local date-time YYYY-MM-DDTHH:MM in time_zone.'),
  end: When.optional().describe('Exclusive end, the same kind as start; default one hour after a time, the next day after a date.'),
  time_zone: TimeZoneName.optional().describe('The IANA time zone of start and end (Europe/Berlin); default UTC.'),
  location: text(200).optional().describe('Where.'),
  description: text(2000).optional().describe('Details: what it is for, the passage it comes from.'),
  recurrence: text(200, 1).optional().describe('An iCalendar RRULE for a series, e.g. FREQ=WEEKLY;BYDAY=MO;COUNT=10.'),
  busy: z.boolean().optional().describe('Whether it blocks time; default true for a time, false for an all-day date.'),
});

const Range = {
  from: IsoDate.describe('The first day, YYYY-MM-DD.'),
  to: IsoDate.describe('The last day (included), YYYY-MM-DD.'),
  time_zone: TimeZoneName.optional().describe('The zone the days are in and times are written in; default UTC.'),
};

const CalendarInput = z.discriminatedUnion('action', [
  z
    .object({
      action: z.literal('add').describe('Add events.'),
      events: z.array(EventDraft).min(1).max(30).describe('The events to add.'),
    })
    .describe('Add one or more events.'),
  z.object({ action: z.literal('list').describe('List occurrences.'), ...Range }).describe('What happens between two days (recurring events expanded).'),
  z
    .object({
      action: z.literal('free_slots').describe('Find free time.'),
      ...Range,
      duration_minutes: z.number().int().min(5).max(1440).describe('How long the free time must be, in minutes.'),
      day_start: TimeOfDay.optional().describe('Start of the working day, HH:MM; default 09:00.'),
      day_end: TimeOfDay.optional().describe('End of the working day, HH:MM; default 17:00.'),
      weekdays: z.array(z.number().int().min(1).max(7)).min(1).max(7).optional().describe('Working days, 1 = Monday … 7 = Sunday; default 1–5.'),
    })
    .describe('Free stretches of working hours at least duration_minutes long.'),
  z.object({ action: z.literal('conflicts').describe('Find double bookings.'), ...Range }).describe('Busy events that overlap each other.'),
  z
    .object({
      action: z.literal('export_ics').describe('Export as .ics.'),
      from: IsoDate.optional().describe('Only events occurring from this day, YYYY-MM-DD.'),
      to: IsoDate.optional().describe('…to this day (included).'),
    })
    .describe('The calendar as an iCalendar (.ics) file for other calendar programs.'),
]);
type CalendarInput = z.infer<typeof CalendarInput>;

/** How much .ics text goes back to the model: enough to check it, not a whole year of events. */
const maxIcsChars = 6000;

export function calendarTool(calendar: Calendar): Tool<CalendarInput, Record<string, unknown>> {
  return {
    name: 'calendar',
    title: 'Keep the calendar',
    description:
      'The space’s calendar, shown to the user in the Calendar panel (their imported .ics included). action "add" adds events (deadlines as all-day dates, meetings as local times in a time zone, series by RRULE); "list" shows what happens between two days; "free_slots" finds free working time of a length; "conflicts" finds overlapping busy events; "export_ics" writes the calendar as .ics.',
    input: CalendarInput,
    sideEffects: true,
    // Listing, free slots, conflicts and the .ics text only read the calendar.
    sideEffectsOf: (input) => input.action === 'add',
    async run(input, ctx) {
      switch (input.action) {
        case 'add':
          return add(calendar, input.events, ctx, input);
        case 'list': {
          requireRole(ctx, 'viewer', 'the calendar');
          const { occurrences } = calendar.list(ctx.spaceId, rangeOf(input));
          return { output: { occurrences: occurrences.map(lineOf) }, summary: `${occurrences.length} event${occurrences.length === 1 ? '' : 's'} from ${input.from} to ${input.to}` };
        }
        case 'free_slots': {
          requireRole(ctx, 'viewer', 'the calendar');
          const slots = calendar.freeSlots(ctx.spaceId, {
            ...rangeOf(input),
            durationMinutes: input.duration_minutes,
            workingHours: { start: input.day_start ?? '09:00', end: input.day_end ?? '17:00', days: input.weekdays ?? [1, 2, 3, 4, 5] },
          });
          return { output: { slots }, summary: `${slots.length} free slot${slots.length === 1 ? '' : 's'} of ${input.duration_minutes} min or more` };
        }
        case 'conflicts': {
          requireRole(ctx, 'viewer', 'the calendar');
          const conflicts = calendar.conflicts(ctx.spaceId, rangeOf(input));
          return {
            output: { conflicts: conflicts.map((conflict) => ({ first: lineOf(conflict.first), second: lineOf(conflict.second), overlap_minutes: conflict.overlapMinutes })) },
            summary: conflicts.length === 0 ? 'no conflicts' : `${conflicts.length} conflict${conflicts.length === 1 ? '' : 's'}`,
          };
        }
        case 'export_ics': {
          requireRole(ctx, 'viewer', 'the calendar');
          if ((input.from === undefined) !== (input.to === undefined)) throw new HearthError('BAD_REQUEST', 'export_ics takes both from and to, or neither.');
          const ics = calendar.exportIcs(ctx.spaceId, input.from && input.to ? { from: input.from, to: input.to } : undefined);
          const events = (ics.match(/^BEGIN:VEVENT/gm) ?? []).length;
          return {
            output: { events, ics: ics.length > maxIcsChars ? `${ics.slice(0, maxIcsChars)}\n… (${ics.length - maxIcsChars} more characters)` : ics },
            summary: `exported ${events} event${events === 1 ? '' : 's'} as .ics`,
          };
        }
      }
    },
  };
}

function add(calendar: Calendar, drafts: z.infer<typeof EventDraft>[], ctx: ToolContext, input: CalendarInput): ToolOutcome<Record<string, unknown>> {
  requireRole(ctx, 'editor', 'the calendar');
  const origin = originOf(ctx, input);
  const already = calendar.madeBy(origin);
  const made = already.length > 0 ? already : calendar.addMany(ctx.spaceId, drafts.map(inputOf), origin);
  return {
    output: { events: made.map(eventLineOf) },
    summary: already.length > 0 ? `${made.length} event${made.length === 1 ? '' : 's'} already added by this call` : `added ${made.length} event${made.length === 1 ? '' : 's'}`,
    made: { eventIds: made.map((event) => event.id) },
  };
}

function inputOf(draft: z.infer<typeof EventDraft>): EventInput {
  return {
    title: draft.title,
    start: draft.start,
    ...(draft.end !== undefined ? { end: draft.end } : {}),
    ...(draft.time_zone !== undefined ? { timeZone: draft.time_zone } : {}),
    ...(draft.location !== undefined ? { location: draft.location } : {}),
    ...(draft.description !== undefined ? { description: draft.description } : {}),
    ...(draft.recurrence !== undefined ? { recurrence: draft.recurrence } : {}),
    ...(draft.busy !== undefined ? { busy: draft.busy } : {}),
  };
}

function rangeOf(input: { from: string; to: string; time_zone?: string | undefined }) {
  return { from: input.from, to: input.to, ...(input.time_zone !== undefined ? { timeZone: input.time_zone } : {}) };
}

function lineOf(occurrence: Occurrence) {
  return { event_id: occurrence.eventId, title: occurrence.title, start: occurrence.start, end: occurrence.end, all_day: occurrence.allDay, busy: occurrence.busy, ...(occurrence.location ? { location: occurrence.location } : {}) };
}

function eventLineOf(event: CalendarEvent) {
  return {
    id: event.id,
    title: event.title,
    start: event.start,
    end: event.end,
    all_day: event.allDay,
    ...(event.timeZone ? { time_zone: event.timeZone } : {}),
    ...(event.recurrence ? { recurrence: event.recurrence } : {}),
  };
}
