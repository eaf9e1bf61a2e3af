/**
 * The one RPC contract between the UI and the core, merged from each capability's methods. Every method is
 * data: a zod schema for its params and result (and, for streaming methods, its events) and the access it
 * needs. Electron IPC and the WebSocket carry the same frames; neither knows what a method means. A capability
 * adds its methods in its own file and one line here.
 */
import type { z } from 'zod';
import { agentsMethods } from './agents.js';
import { appMethods } from './app.js';
import { chatMethods } from './chat.js';
import { citationsMethods } from './citations.js';
import { documentsMethods } from './documents.js';
import { jobsMethods } from './jobs.js';
import { modelsMethods } from './models.js';
import { planningMethods } from './planning.js';
import { reportsMethods } from './reports.js';
import { tracesMethods } from './traces.js';
import { searchMethods } from './search.js';
import { spacesMethods } from './spaces.js';
import { teamMethods } from './team.js';
import type { CallSpec, MethodSpec, StreamSpec } from './spec.js';

export const methods = {
  ...appMethods,
  ...spacesMethods,
  ...documentsMethods,
  ...citationsMethods,
  ...searchMethods,
  ...chatMethods,
  ...modelsMethods,
  ...jobsMethods,
  ...reportsMethods,
  ...planningMethods,
  ...tracesMethods,
  ...agentsMethods,
  ...teamMethods,
} as const satisfies Record<string, MethodSpec>;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export type CallMethod = { [K in MethodName]: Methods[K] extends CallSpec<any, any> ? K : never }[MethodName];
export type StreamMethod = { [K in MethodName]: Methods[K] extends StreamSpec<any, any, any> ? K : never }[MethodName];
/** Params as the caller writes them (defaults may be left out). */
export type ParamsIn<M extends MethodName> = z.input<Methods[M]['params']>;
export type Params<M extends MethodName> = z.output<Methods[M]['params']>;
export type Result<M extends MethodName> = z.output<Methods[M]['result']>;
export type EventOf<M extends StreamMethod> = Methods[M] extends StreamSpec<any, infer E, any> ? z.output<E> : never;

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(methods, name);
}

export * from './spec.js';
export * from './frames.js';
export {
  AgentEvent,
  AgentInfo,
  AgentRunResult,
  AgentWait,
  ApprovalRequest,
  PlanStep,
  RouteDecision,
  RouteMethod,
  ToolInfo,
  ToolPermission,
  agentJob,
  agentsMethods,
} from './agents.js';
export { appMethods } from './app.js';
export { AnswerEvent, chatMethods } from './chat.js';
export { citationsMethods } from './citations.js';
export { DocumentSource, IngestProgress, IngestResult, documentsMethods, ingestJob, reingestJob } from './documents.js';
export * from './job-spec.js';
export { JobEvent, JobInfo, JobKindName, jobKinds, jobsMethods, type JobEventOf, type JobInfoOf } from './jobs.js';
export { modelsMethods } from './models.js';
export {
  CalendarEvent,
  CalendarRange,
  Conflict,
  EventInput,
  FreeSlotsQuery,
  IcsImportResult,
  ImportProblem,
  IsoDateTime,
  Occurrence,
  PlanningOrigin,
  Slot,
  TaskFilter,
  TaskInfo,
  TaskInput,
  TaskPatch,
  TaskStatus,
  WorkingHours,
  planningMethods,
} from './planning.js';
export {
  ArtifactFormat,
  ArtifactInfo,
  ReportArtifactInfo,
  Evidence,
  ReportFormat,
  ReportInfo,
  ReportProgress,
  ReportResult,
  ReportStep,
  ReportSummary,
  TemplateInfo,
  TemplateProblem,
  reportJob,
  reportsMethods,
} from './reports.js';
export {
  AttributeValue,
  SpanInfo,
  SpanState,
  TraceId,
  TraceInfo,
  TraceSummary,
  TraceTotals,
  spanAttributes,
  tracesMethods,
} from './traces.js';
export { SearchFilter, searchMethods } from './search.js';
export { SpacePrepareProgress, SpacePrepareResult, SpaceRef, prepareJob, spacesMethods } from './spaces.js';
export { AuditEntry, Grantee, HttpRefusal, Me, SessionAnswer, SpaceMember, TeamUser, teamMethods } from './team.js';
