/**
 * `report`: makes a report — a built-in template (report, summary, meeting agenda, milestone plan) or one of
 * the space's own — through the reports pipeline, as the run's caller, in one call: the planner puts the facts
 * its earlier steps found (the due dates date_calc gave) in `request`, and gets the report and its files back.
 * The report job is followed to its end here; a report that fails is a failed call the planner can re-plan on.
 */
import { z } from 'zod';
import { HearthError, ReportFormat, type ReportResult } from '../../../schemas/index.js';
import type { Jobs } from '../jobs/index.js';
import type { Reports } from '../reports/index.js';
import type { Tool } from './tool.js';
import { EntityId, text } from './tool-input.js';

/** The longest request: room for the facts of a plan (a line per milestone), short of a document. */
const maxRequestChars = 4000;

const ReportInput = z.object({
  template_id: EntityId.describe('The template: report, summary, meeting-agenda or milestone-plan (built in), or the id of one of the space’s own templates.'),
  request: text(maxRequestChars, 1).describe(
    'What the report should say, with the facts found in earlier steps written out (for a milestone plan: each milestone, its owner and the due date date_calc gave).',
  ),
  formats: z.array(ReportFormat).min(1).max(5).optional().describe('The files to make (docx, pptx, markdown, json, ics); the template’s own when left out.'),
});
type ReportInput = z.infer<typeof ReportInput>;

export interface ReportToolOutput {
  report_id: string;
  title: string;
  artifacts: { id: string; format: string; file_name: string }[];
}

export function reportTool(deps: { reports: Reports; jobs: Jobs }): Tool<ReportInput, ReportToolOutput> {
  return {
    name: 'report',
    title: 'Make a report',
    description:
      'Makes a report from the space’s documents with a template (milestone-plan for dates and owners, summary, meeting-agenda, report) and renders its files. Put the facts you found (due dates from date_calc, owners) in the request; the report cites the documents. Returns the report id and its files’ artifact ids.',
    input: ReportInput,
    sideEffects: true,
    async run(input, ctx) {
      if (!ctx.caller.can('editor', ctx.spaceId)) throw new HearthError('FORBIDDEN', 'This run may not make reports in this space: it needs an editor of the space.', { spaceId: ctx.spaceId });
      // The registry records the call once it ends; a run stopped while the report was being made calls again on
      // resume, and follows the report that first attempt started (it went on as its own job) instead of a second.
      const origin = ctx.callKey ? { runId: ctx.runId, callKey: ctx.callKey } : undefined;
      const job =
        (origin && deps.reports.startedBy(ctx.spaceId, origin)) ??
        (await deps.reports.create(ctx.caller, { spaceId: ctx.spaceId, templateId: input.template_id, request: input.request, origin, ...(input.formats ? { formats: input.formats } : {}) }));
      const result = await followReport(deps.jobs, job.id, ctx.signal);
      const artifacts = result.artifacts.map((artifact) => ({ id: artifact.id, format: artifact.format, file_name: artifact.fileName }));
      return {
        output: { report_id: result.reportId, title: result.title, artifacts },
        summary: `${result.title}: ${artifacts.map((artifact) => artifact.file_name).join(', ') || 'no files'}`,
        made: { artifactIds: artifacts.map((artifact) => artifact.id), reportIds: [result.reportId] },
      };
    },
  };
}

/**
 * Waits for the report job's end. Aborting stops the waiting (the run is being stopped or paused), not the
 * report, which goes on as its own job.
 */
async function followReport(jobs: Jobs, jobId: string, signal: AbortSignal): Promise<ReportResult> {
  const watching = jobs.watch(jobId, { signal });
  let next = await watching.next();
  while (!next.done) next = await watching.next();
  const info = next.value;
  if (info.state === 'done' && info.kind === 'report' && info.result) return info.result as ReportResult;
  throw new HearthError('INTERNAL', `The report could not be made: ${info.error?.message ?? `its job ended ${info.state}`}`, { jobId });
}
