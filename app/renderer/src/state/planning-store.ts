/**
 * The Plan page's data: the tasks and calendar of the space it shows (the events as kept, and their
 * occurrences over the days on screen), and the work in flight from the page — a task being made or ticked,
 * an .ics being imported or exported — with the core's answer or refusal beside the control that asked.
 */
import { create } from 'zustand';
import type { CalendarEvent, ErrorPayload, IcsImportResult, Occurrence, TaskInfo } from '../../../../schemas/index.js';

/** Work a control started: in flight (the control waits), or refused (its reason shown beside it). */
export type PlanWork = { status: 'working' } | { status: 'failed'; error: ErrorPayload };

export type CalendarFileWork =
  | { action: 'import' | 'export'; status: 'working' }
  | { action: 'import' | 'export'; status: 'failed'; error: ErrorPayload }
  | { action: 'import'; status: 'done'; fileName: string; result: IcsImportResult }
  | { action: 'export'; status: 'done'; fileName: string };

interface PlanningState {
  /** The space the rest describes; null before the page was first opened. */
  spaceId: string | null;
  loading: boolean;
  loadError: ErrorPayload | null;
  /** Open before done, then by due date (as the core lists them). */
  tasks: TaskInfo[];
  events: CalendarEvent[];
  /** The days shown: from today, in the window's time zone. */
  range: { from: string; to: string; timeZone: string } | null;
  occurrences: Occurrence[];
  /** A task being added from the page, or why the core refused it. */
  newTask: PlanWork | null;
  /** By task id: a done toggle in flight or refused. */
  taskWork: Record<string, PlanWork>;
  calendarFile: CalendarFileWork | null;
}

export const emptyPlanning: Omit<PlanningState, 'spaceId'> = {
  loading: false,
  loadError: null,
  tasks: [],
  events: [],
  range: null,
  occurrences: [],
  newTask: null,
  taskWork: {},
  calendarFile: null,
};

export const usePlanningStore = create<PlanningState>(() => ({ spaceId: null, ...emptyPlanning }));
