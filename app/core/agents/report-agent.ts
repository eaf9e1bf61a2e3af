/**
 * The Report agent: hands the request to the reports pipeline (a `report` job, as the caller, with the template
 * the router or the user chose) and follows that job, telling its steps as the run's. Two nodes: `report` starts
 * the job and keeps its id in the state (so a resumed run never starts a second report), `report-wait` follows it
 * to its end — after a restart too, since the report job resumes on its own.
 */
import { HearthError, type JobEvent, type ReportResult } from '../../../schemas/index.js';
import type { Jobs } from '../jobs/index.js';
import type { Reports } from '../reports/index.js';
import type { AgentContext } from './agent-context.js';
import type { RunState } from './run-state.js';

export interface ReportAgentDeps {
  reports: Reports;
  jobs: Jobs;
}

/** The template for a request when neither the router nor the user named one, by what it asks for. */
export function templateFor(request: string): string {
  const text = request.toLowerCase();
  if (/milestone|deadline|timeline|schedule|этап|срок|график|план/.test(text)) return 'milestone-plan';
  if (/agenda|meeting|повестк|встреч|совещани/.test(text)) return 'meeting-agenda';
  if (/summar|overview|brief|кратк|резюме|обзор/.test(text)) return 'summary';
  return 'report';
}

/** `report`: starts the report job (refusals, such as a template that needs a model, become the answer). */
export async function startReport(state: Readonly<RunState>, ctx: AgentContext, deps: ReportAgentDeps): Promise<Partial<RunState>> {
  const templateId = state.askedTemplateId ?? state.route?.templateId ?? templateFor(state.request);
  try {
    // A crash after the job started but before its id was checkpointed must not start a second report: the job
    // carries the run as its origin, and a re-run of this node follows the one already started.
    const origin = { runId: ctx.runId, callKey: 'report-agent' };
    const job =
      deps.reports.startedBy(ctx.spaceId, origin) ??
      (await deps.reports.create(ctx.caller, { spaceId: ctx.spaceId, templateId, request: state.request, filter: filterOf(state), origin }));
    ctx.emit({ type: 'step', stepId: 'report', title: `Making the report (${templateId})`, status: 'running' });
    return { reportJobId: job.id };
  } catch (error) {
    // What the user can act on (no model for this template, a template not there) is the answer; anything else fails the run.
    if (!(error instanceof HearthError) || !refusals.has(error.code)) throw error;
    return { answer: { content: `The report could not be started: ${error.message}`, citations: [], notices: [], evidence: [] } };
  }
}

/** `report-wait`: follows the report job to its end; the run's answer names the report and its files. */
export async function awaitReport(state: Readonly<RunState>, ctx: AgentContext, deps: ReportAgentDeps): Promise<Partial<RunState>> {
  const jobId = state.reportJobId;
  if (!jobId) return {};
  let lastStep = '';
  const watching = deps.jobs.watch(jobId, { signal: ctx.signal });
  for (;;) {
    const next = await watching.next();
    if (next.done) break;
    const event = next.value as JobEvent;
    if (event.type === 'progress' && event.kind === 'report') {
      const { step } = event.progress;
      if (step !== lastStep) ctx.emit({ type: 'notice', text: `Report: ${step}` });
      lastStep = step;
    }
  }
  const info = deps.jobs.get(jobId);
  if (info.state !== 'done' || info.kind !== 'report' || !info.result) {
    const why = info.error?.message ?? `the report job ended ${info.state}`;
    ctx.emit({ type: 'step', stepId: 'report', title: 'Making the report', status: 'failed', summary: why });
    return { answer: { content: `The report could not be made: ${why}`, citations: [], notices: [], evidence: [] } };
  }
  const result = info.result as ReportResult;
  const files = result.artifacts.map((artifact) => artifact.fileName).join(', ');
  ctx.emit({ type: 'step', stepId: 'report', title: 'Making the report', status: 'done', summary: `${result.title}: ${files}` });
  return {
    reportId: result.reportId,
    made: { ...state.made, artifactIds: [...new Set([...state.made.artifactIds, ...result.artifacts.map((artifact) => artifact.id)])] },
    answer: { content: `The report “${result.title}” is ready${files ? ` (${files})` : ''}.`, citations: [], notices: [], evidence: [] },
  };
}

const refusals = new Set<string>(['BAD_REQUEST', 'NOT_FOUND', 'MODEL_NOT_FOUND', 'FORBIDDEN']);

function filterOf(state: Readonly<RunState>) {
  if (state.documentIds.length === 0) return state.filter ?? undefined;
  return { ...(state.filter ?? {}), documentIds: state.documentIds };
}
