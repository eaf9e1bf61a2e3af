/**
 * Planning: a space's tasks (owner, due date, dependencies, done) and calendar (events added, a user's .ics
 * imported, occurrences of recurring events, free slots, conflicts, .ics exported), each remembering the agent
 * run that made it. Agents reach them through the `tasks` and `calendar` tools (core/tools).
 */
export { Tasks, checkedDate } from './tasks.js';
export { Calendar } from './calendar.js';
export { parseIcs, type ParsedEvent } from './ics-import.js';
export { renderCalendar, vtimezone } from './ics-export.js';
export { checkedZone, occurrencesOf } from './occurrences.js';
export { conflictsAmong, defaultWorkingHours, freeSlots, instantsOf } from './free-slots.js';
export { planningHandlers } from './handlers.js';
