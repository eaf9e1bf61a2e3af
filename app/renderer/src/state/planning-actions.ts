/**
 * The Plan page's actions: reading a space's tasks and calendar, adding a task, ticking one done, importing a
 * user's .ics and downloading the calendar as one. Like actions.ts, the only code of its kind that talks to the
 * core; what comes back lands in the planning store.
 */
import type { TaskInput } from '../../../../schemas/index.js';
import { saveDownload } from '../downloads.js';
import { useAppStore } from './app-store.js';
import { describe, spaceConnection } from './core-connection.js';
import { withEntry } from './keyed-record.js';
import { emptyPlanning, usePlanningStore, type PlanWork } from './planning-store.js';
import { useSpacesStore } from './spaces-store.js';
import { useViewStore } from './view-store.js';

const client = () => spaceConnection().client;

/** How many days of the calendar the page shows, from today. */
export const shownDays = 28;

let followingSpaces = false;

/**
 * When the Plan page shows (opened, or the space changed under it): the space on screen's tasks and the
 * calendar's next weeks are read. Opening it again re-reads them, as agents may have added to them since.
 */
export async function showPlan(): Promise<void> {
  if (!followingSpaces) {
    followingSpaces = true;
    // The space picker lives elsewhere; the page follows it while it is on screen.
    useSpacesStore.subscribe((state, previous) => {
      if (state.currentSpaceId !== previous.currentSpaceId) void showPlan();
    });
  }
  const spaceId = useSpacesStore.getState().currentSpaceId;
  if (!spaceId || useViewStore.getState().view !== 'plan' || useAppStore.getState().connection !== 'ready') return;
  if (usePlanningStore.getState().spaceId !== spaceId) usePlanningStore.setState({ spaceId, ...emptyPlanning, loading: true });
  await refreshPlan(spaceId);
}

/** Re-reads the tasks and the shown days of the calendar (after a change from here or from an agent run). */
export async function refreshPlan(spaceId = usePlanningStore.getState().spaceId): Promise<void> {
  if (!spaceId) return;
  const range = shownRange();
  const stillCurrent = () => usePlanningStore.getState().spaceId === spaceId;
  try {
    const [tasks, calendar] = await Promise.all([client().call('tasks.list', { spaceId }), client().call('calendar.list', { spaceId, range })]);
    if (!stillCurrent()) return;
    usePlanningStore.setState({ loading: false, loadError: null, tasks, events: calendar.events, occurrences: calendar.occurrences, range });
  } catch (error) {
    if (stillCurrent()) usePlanningStore.setState({ loading: false, loadError: describe(error) });
  }
}

/** Adds a task from the page; resolves true once the core kept it, false with its reason beside the form. */
export async function addTask(task: TaskInput): Promise<boolean> {
  const spaceId = usePlanningStore.getState().spaceId;
  if (!spaceId || usePlanningStore.getState().newTask?.status === 'working') return false;
  usePlanningStore.setState({ newTask: { status: 'working' } });
  try {
    await client().call('tasks.create', { spaceId, task });
    if (usePlanningStore.getState().spaceId !== spaceId) return true;
    usePlanningStore.setState({ newTask: null });
    await refreshPlan(spaceId);
    return true;
  } catch (error) {
    usePlanningStore.setState({ newTask: { status: 'failed', error: describe(error) } });
    return false;
  }
}

export function dismissTaskError(): void {
  usePlanningStore.setState({ newTask: null });
}

/** Ticks a task done, or opens it again. */
export async function setTaskDone(taskId: string, done: boolean): Promise<void> {
  const spaceId = usePlanningStore.getState().spaceId;
  if (!spaceId || usePlanningStore.getState().taskWork[taskId]?.status === 'working') return;
  usePlanningStore.setState((state) => ({ taskWork: withEntry<PlanWork>(state.taskWork, taskId, { status: 'working' }) }));
  try {
    const task = await client().call('tasks.complete', { taskId, done });
    usePlanningStore.setState((state) => ({
      taskWork: withEntry<PlanWork>(state.taskWork, taskId, undefined),
      tasks: state.tasks.map((candidate) => (candidate.id === task.id ? task : candidate)),
    }));
  } catch (error) {
    usePlanningStore.setState((state) => ({ taskWork: withEntry<PlanWork>(state.taskWork, taskId, { status: 'failed', error: describe(error) }) }));
  }
}

/** Imports a user's .ics file: what was added, updated and skipped (and why) is shown beside the button. */
export async function importCalendarFile(file: File): Promise<void> {
  const spaceId = usePlanningStore.getState().spaceId;
  if (!spaceId || usePlanningStore.getState().calendarFile?.status === 'working') return;
  usePlanningStore.setState({ calendarFile: { action: 'import', status: 'working' } });
  try {
    const text = await file.text();
    const result = await client().call('calendar.import', { spaceId, text, fileName: file.name, timeZone: localZone() });
    usePlanningStore.setState({ calendarFile: { action: 'import', status: 'done', fileName: file.name, result } });
    await refreshPlan(spaceId);
  } catch (error) {
    usePlanningStore.setState({ calendarFile: { action: 'import', status: 'failed', error: describe(error) } });
  }
}

/** Downloads the space's calendar as an .ics file. */
export async function exportCalendar(): Promise<void> {
  const spaceId = usePlanningStore.getState().spaceId;
  if (!spaceId || usePlanningStore.getState().calendarFile?.status === 'working') return;
  usePlanningStore.setState({ calendarFile: { action: 'export', status: 'working' } });
  try {
    const { fileName, text } = await client().call('calendar.export', { spaceId });
    saveDownload({ base64: base64Of(text), fileName, mediaType: 'text/calendar' });
    usePlanningStore.setState({ calendarFile: { action: 'export', status: 'done', fileName } });
  } catch (error) {
    usePlanningStore.setState({ calendarFile: { action: 'export', status: 'failed', error: describe(error) } });
  }
}

export function dismissCalendarFile(): void {
  usePlanningStore.setState({ calendarFile: null });
}

/** The window's time zone: where "today" and the times on screen are. */
export function localZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

function shownRange(): { from: string; to: string; timeZone: string } {
  const today = new Date();
  const last = new Date(today.getFullYear(), today.getMonth(), today.getDate() + shownDays - 1);
  return { from: localDate(today), to: localDate(last), timeZone: localZone() };
}

/** A date as YYYY-MM-DD in the window's zone. */
export function localDate(date: Date): string {
  return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;
}

function base64Of(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}
