/** The planning methods of the contract: a space's tasks, and its calendar (events, .ics in and out, free slots, conflicts). */
import type { SomeHandlers } from '../rpc/index.js';
import type { Calendar } from './calendar.js';
import type { Tasks } from './tasks.js';

type PlanningMethod =
  | 'tasks.list'
  | 'tasks.create'
  | 'tasks.update'
  | 'tasks.complete'
  | 'calendar.list'
  | 'calendar.add'
  | 'calendar.import'
  | 'calendar.export'
  | 'calendar.freeSlots'
  | 'calendar.conflicts';

export function planningHandlers({ tasks, calendar, spaceName }: { tasks: Tasks; calendar: Calendar; spaceName: (spaceId: string) => string }): SomeHandlers<PlanningMethod> {
  return {
    'tasks.list': async ({ spaceId, filter }) => tasks.list(spaceId, filter),
    'tasks.create': async ({ spaceId, task }) => tasks.create(spaceId, task),
    'tasks.update': async ({ taskId, patch }) => tasks.update(taskId, patch),
    'tasks.complete': async ({ taskId, done }) => tasks.complete(taskId, done),
    'calendar.list': async ({ spaceId, range }) => calendar.list(spaceId, range),
    'calendar.add': async ({ spaceId, event }) => calendar.add(spaceId, event),
    'calendar.import': async ({ spaceId, text, fileName, timeZone }) => calendar.importIcs(spaceId, text, { fileName, timeZone }),
    'calendar.export': async ({ spaceId, range }) => {
      const name = spaceName(spaceId);
      return { fileName: `${fileSafe(name)}.ics`, text: calendar.exportIcs(spaceId, range, name) };
    },
    'calendar.freeSlots': async ({ spaceId, query }) => calendar.freeSlots(spaceId, query),
    'calendar.conflicts': async ({ spaceId, range }) => calendar.conflicts(spaceId, range),
  };
}

/** A file name a download can use on every system. */
function fileSafe(name: string): string {
  return name.replace(/[\\/:*?"<>|\x00-\x1f]+/g, ' ').trim().slice(0, 80) || 'calendar';
}
