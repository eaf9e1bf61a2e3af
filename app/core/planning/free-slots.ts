/**
 * Free time and double bookings, worked out from occurrences: free slots are the stretches of working hours
 * (in the asker's zone, working days only) that no busy occurrence covers and that are long enough; a conflict
 * is two busy occurrences that overlap. All-day busy events take their whole days in the asker's zone.
 */
import { DateTime } from 'luxon';
import { HearthError, type Conflict, type Occurrence, type Slot, type WorkingHours } from '../../../schemas/index.js';
import { dayStart, isoWithOffset, type Instants } from './occurrences.js';

export const defaultWorkingHours: WorkingHours = { start: '09:00', end: '17:00', days: [1, 2, 3, 4, 5] };

/** How many conflicts are listed at most: a calendar imported twice under different UIDs should not flood the answer. */
const maxConflicts = 200;

/**
 * A range as instants: a date-time with an offset is that instant, one without is read in `zone`; a date
 * `from` is the start of that day and a date `to` the end of it (both days included).
 */
export function instantsOf(range: { from: string; to: string }, zone: string): Instants {
  const from = boundOf(range.from, zone, 'from');
  const to = range.to.length === 10 ? dayStart(range.to, zone).plus({ days: 1 }) : boundOf(range.to, zone, 'to');
  if (to.toMillis() <= from.toMillis()) throw new HearthError('BAD_REQUEST', `The range ends (${range.to}) before it starts (${range.from}).`, { range });
  return { from: from.toMillis(), to: to.toMillis() };
}

function boundOf(value: string, zone: string, name: string): DateTime {
  const time = value.length === 10 ? dayStart(value, zone) : DateTime.fromISO(value, { zone });
  if (!time.isValid) throw new HearthError('BAD_REQUEST', `The range's ${name}, "${value}", is not an ISO date or date-time.`, { [name]: value });
  return time;
}

/** The instants an occurrence covers: all-day dates are laid on `zone`. */
export function spanOf(occurrence: Occurrence, zone: string): Instants {
  if (occurrence.allDay) return { from: dayStart(occurrence.start, zone).toMillis(), to: dayStart(occurrence.end, zone).toMillis() };
  return { from: Date.parse(occurrence.start), to: Math.max(Date.parse(occurrence.end), Date.parse(occurrence.start)) };
}

export function freeSlots(
  occurrences: Occurrence[],
  range: Instants,
  options: { durationMinutes: number; workingHours?: WorkingHours | undefined; zone: string; limit?: number | undefined },
): Slot[] {
  const hours = options.workingHours ?? defaultWorkingHours;
  const [startHour, startMinute] = clockOf(hours.start, 'start');
  const [endHour, endMinute] = clockOf(hours.end, 'end');
  if (endHour * 60 + endMinute <= startHour * 60 + startMinute) {
    throw new HearthError('BAD_REQUEST', `Working hours end (${hours.end}) before they start (${hours.start}).`, { workingHours: hours });
  }
  const busy = occurrences
    .filter((occurrence) => occurrence.busy)
    .map((occurrence) => spanOf(occurrence, options.zone))
    .sort((a, b) => a.from - b.from);
  const need = options.durationMinutes * 60_000;
  const limit = options.limit ?? 20;
  const slots: Slot[] = [];
  for (let day = DateTime.fromMillis(range.from, { zone: options.zone }).startOf('day'); day.toMillis() < range.to && slots.length < limit; day = day.plus({ days: 1 })) {
    if (!hours.days.includes(day.weekday)) continue;
    // Wall-clock hours of that day, so a working day that crosses a change of daylight saving time keeps them.
    let from = Math.max(range.from, day.set({ hour: startHour, minute: startMinute }).toMillis());
    const to = Math.min(range.to, day.set({ hour: endHour, minute: endMinute }).toMillis());
    for (const block of busy) {
      if (block.to <= from) continue;
      if (block.from >= to) break;
      if (block.from - from >= need) slots.push(slot(from, block.from, options.zone));
      from = Math.max(from, block.to);
      if (slots.length >= limit) break;
    }
    if (to - from >= need && slots.length < limit) slots.push(slot(from, to, options.zone));
  }
  return slots.slice(0, limit);
}

export function conflictsAmong(occurrences: Occurrence[], zone: string): Conflict[] {
  const busy = occurrences
    .filter((occurrence) => occurrence.busy)
    .map((occurrence) => ({ occurrence, span: spanOf(occurrence, zone) }))
    .filter(({ span }) => span.to > span.from)
    .sort((a, b) => a.span.from - b.span.from);
  const found: Conflict[] = [];
  for (let i = 0; i < busy.length && found.length < maxConflicts; i++) {
    const first = busy[i]!;
    for (let j = i + 1; j < busy.length && busy[j]!.span.from < first.span.to; j++) {
      const second = busy[j]!;
      const overlap = Math.min(first.span.to, second.span.to) - second.span.from;
      if (overlap > 0) found.push({ first: first.occurrence, second: second.occurrence, overlapMinutes: Math.round(overlap / 60_000) });
    }
  }
  return found.slice(0, maxConflicts);
}

function slot(from: number, to: number, zone: string): Slot {
  return { start: isoWithOffset(DateTime.fromMillis(from, { zone })), end: isoWithOffset(DateTime.fromMillis(to, { zone })) };
}

function clockOf(time: string, name: string): [number, number] {
  const match = /^(\d{2}):(\d{2})$/.exec(time);
  const hour = Number(match?.[1]);
  const minute = Number(match?.[2]);
  if (!match || hour > 24 || minute > 59) throw new HearthError('BAD_REQUEST', `Working hours ${name} "${time}" is not a time as HH:MM (e.g. 09:00).`, { [name]: time });
  return [hour, minute];
}
