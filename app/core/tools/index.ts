/**
 * Tools: what an agent can do in the world — search and read the documents, keep tasks and calendar events,
 * calculate dates, make and export reports, draft emails — each a name, a description, a zod input schema and whether
 * it has side effects; and the registry every call goes through (checked, traced, done once per run and key).
 */
import type { ArtifactStore } from '../artifacts/index.js';
import type { Jobs } from '../jobs/index.js';
import type { Documents, Replacements } from '../library/index.js';
import type { Calendar, Tasks } from '../planning/index.js';
import type { Reports } from '../reports/index.js';
import type { SpaceIndexes } from '../retrieval/index.js';
import type { Telemetry } from '../telemetry/index.js';
import { calendarTool } from './calendar-tool.js';
import { dateCalcTool, type DateCalcDefaults } from './date-calc.js';
import { emailDraftTool } from './email-draft.js';
import { exportTool } from './export-tool.js';
import { readDocumentTool } from './read-document-tool.js';
import { reportTool } from './report-tool.js';
import { searchTool } from './search-tool.js';
import { tasksTool } from './tasks-tool.js';
import type { Tool } from './tool.js';

export type { Tool, ToolContext, ToolOutcome } from './tool.js';
export { ToolRegistry, changesThings, type CheckedCall, type ToolCall, type ToolCallOutcome } from './registry.js';
export { searchTool, type FoundPassage } from './search-tool.js';
export { readDocumentTool, maxReadChars, type ReadOutput, type ReadPassage } from './read-document-tool.js';
export { dateCalcTool, userDateDefaults, type DateCalcDefaults } from './date-calc.js';
export { HolidayCalendar, type Holiday } from './holiday-calendar.js';
export { reportTool, type ReportToolOutput } from './report-tool.js';
export { exportTool, type ExportOutput } from './export-tool.js';
export { emailDraftTool, type DraftOutput } from './email-draft.js';
export { tasksTool } from './tasks-tool.js';
export { calendarTool } from './calendar-tool.js';

export interface ToolDeps {
  indexes: SpaceIndexes;
  documents: Documents;
  replacements: Replacements;
  tasks: Tasks;
  calendar: Calendar;
  reports: Reports;
  /** The report tool follows the report job it starts. */
  jobs: Jobs;
  artifacts: ArtifactStore;
  /** Traces each search's retrieval under its tool call. */
  telemetry?: Telemetry | undefined;
  /** The user's country and time zone, for date_calc calls that name none. */
  settings?: DateCalcDefaults | undefined;
}

/** Every tool Hearth's agents have, in the order they are offered. */
export function createTools(deps: ToolDeps): Tool[] {
  return [
    searchTool({ indexes: deps.indexes, telemetry: deps.telemetry }),
    readDocumentTool({ documents: deps.documents, replacements: deps.replacements }),
    tasksTool(deps.tasks),
    calendarTool(deps.calendar),
    dateCalcTool(deps.settings),
    reportTool({ reports: deps.reports, jobs: deps.jobs }),
    exportTool({ reports: deps.reports }),
    emailDraftTool({ artifacts: deps.artifacts }),
  ];
}
