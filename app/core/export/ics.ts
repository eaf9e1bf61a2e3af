/**
 * A milestone plan as an iCalendar file (RFC 5545, written by `ics`): one all-day event per milestone on
 * its due date. The UID is the report's id and the milestone's, so importing a new render of the same plan
 * updates the events a calendar already has instead of adding copies.
 */
import { createEvents, type EventAttributes } from 'ics';
import { HearthError } from '../../../schemas/index.js';
import type { MilestonePlan } from '../../../schemas/index.js';
import type { Source } from './report-document.js';
import { uniqueCites } from './report-document.js';

export interface IcsInput {
  plan: MilestonePlan;
  reportId: string;
  createdAt: string;
  sources: Source[];
}

export function renderIcs({ plan, reportId, createdAt, sources }: IcsInput): string {
  const byNumber = new Map(sources.map((source) => [source.number, source]));
  const stamp = Date.parse(createdAt);
  const events = plan.milestones.map((milestone) => {
    const due = dateArray(milestone.due);
    const cited = uniqueCites(milestone.citations ?? []).map((n) => `[${n}] ${byNumber.get(n)?.label ?? `passage ${n}`}`);
    const description = [
      `Owner: ${milestone.owner}`,
      `Depends on: ${milestone.dependsOn.length > 0 ? milestone.dependsOn.join(', ') : 'nothing'}`,
      ...(cited.length > 0 ? ['', 'Sources:', ...cited] : []),
      '',
      `From the milestone plan "${plan.title}" (Hearth).`,
    ].join('\n');
    // `timestamp` (DTSTAMP) is read by ics but missing from its types: the render's time, not the clock's, so
    // the same report renders to the same file.
    const event: EventAttributes & { timestamp: number } = {
      uid: `${reportId}.${milestone.id}@hearth`,
      title: `${milestone.id}: ${milestone.title}`,
      description,
      start: due,
      // All-day events end (exclusively) the next day.
      end: dateArray(nextDay(milestone.due)),
      categories: ['Milestone'],
      transp: 'TRANSPARENT',
      busyStatus: 'FREE',
      timestamp: Number.isNaN(stamp) ? Date.now() : stamp,
    };
    return event;
  });
  const { error, value } = createEvents(events, { productId: '-//Hearth//Reports//EN', method: 'PUBLISH', calName: plan.title });
  if (error || value === null) {
    throw new HearthError('INTERNAL', `The calendar for "${plan.title}" could not be written: ${error?.message ?? 'no output'}.`);
  }
  return value;
}

function dateArray(date: string): [number, number, number] {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return [year, month, day];
}

function nextDay(date: string): string {
  const next = new Date(`${date}T00:00:00Z`);
  next.setUTCDate(next.getUTCDate() + 1);
  return next.toISOString().slice(0, 10);
}
