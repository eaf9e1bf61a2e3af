/**
 * The calendar's coming weeks, day by day in the window's time zone: all-day events first, then timed ones
 * with their hours; recurring events shown at each occurrence. Above them, the .ics import and export.
 */
import type { Occurrence } from '../../../../../schemas/index.js';
import { shownDays } from '../../state/planning-actions.js';
import { usePlanningStore } from '../../state/planning-store.js';
import { CalendarFileActions } from './CalendarFileActions.js';
import { formatDay } from './TaskItem.js';

export function CalendarPanel() {
  const occurrences = usePlanningStore((state) => state.occurrences);
  const events = usePlanningStore((state) => state.events.length);
  const loading = usePlanningStore((state) => state.loading);
  const days = byDay(occurrences);
  return (
    <section className="column plan-panel" aria-labelledby="calendar-title" data-testid="calendar-panel">
      <h2 id="calendar-title" className="column__title">
        Calendar <span className="count">{events} events</span>
      </h2>
      <CalendarFileActions />
      {loading && <p className="muted">Reading the calendar…</p>}
      {!loading && days.length === 0 && <p className="muted">Nothing in the next {shownDays} days. Import your calendar (.ics), or let the planner add deadlines.</p>}
      <ol className="calendar-days">
        {days.map(([day, entries]) => (
          <li key={day} className="calendar-day" data-testid="calendar-day" data-day={day}>
            <h3 className="calendar-day__title">{formatDay(day)}</h3>
            <ul className="calendar-day__events">
              {entries.map((occurrence) => (
                <li key={`${occurrence.eventId}:${occurrence.start}`} className={occurrence.busy ? 'calendar-event' : 'calendar-event calendar-event--free'} data-testid="calendar-event">
                  <span className="calendar-event__time">{occurrence.allDay ? 'all day' : `${clock(occurrence.start)}–${clock(occurrence.end)}`}</span>
                  <span className="calendar-event__title">
                    {occurrence.title}
                    {occurrence.recurring && <span title="Repeats"> ↻</span>}
                  </span>
                  {occurrence.location && <span className="calendar-event__where muted">{occurrence.location}</span>}
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ol>
    </section>
  );
}

/** Occurrences under the day they start on (an all-day event spanning days under each of them). */
function byDay(occurrences: Occurrence[]): [string, Occurrence[]][] {
  const days = new Map<string, Occurrence[]>();
  const put = (day: string, occurrence: Occurrence) => days.set(day, [...(days.get(day) ?? []), occurrence]);
  for (const occurrence of occurrences) {
    if (!occurrence.allDay) {
      put(occurrence.start.slice(0, 10), occurrence);
      continue;
    }
    for (let day = occurrence.start; day < occurrence.end; day = nextDay(day)) put(day, occurrence);
  }
  return [...days.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([day, entries]) => [day, [...entries].sort((a, b) => Number(b.allDay) - Number(a.allDay) || a.start.localeCompare(b.start))]);
}

function nextDay(date: string): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const next = new Date(Date.UTC(year, month - 1, day + 1));
  return next.toISOString().slice(0, 10);
}

/** The local time the occurrence was written in (the window's zone): its hours and minutes, as written. */
function clock(iso: string): string {
  return iso.slice(11, 16);
}
