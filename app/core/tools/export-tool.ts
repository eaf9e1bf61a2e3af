/**
 * `export`: a report rendered to a file — DOCX, PPTX, Markdown, JSON, or ICS for a milestone plan — through
 * the reports pipeline, kept as a new version of the report's artifact for the user to download. Only for a
 * report in a space where the run's caller may edit (what `reports.render` asks of a person).
 */
import { z } from 'zod';
import { HearthError, ReportFormat } from '../../../schemas/index.js';
import type { Reports } from '../reports/index.js';
import type { Tool } from './tool.js';
import { EntityId } from './tool-input.js';

const ExportInput = z.object({
  report_id: EntityId.describe('The report to export (its id, as the report step gave it).'),
  format: ReportFormat.describe('docx or pptx for people, markdown or json for tools, ics (milestone plans) for calendars.'),
});
type ExportInput = z.infer<typeof ExportInput>;

export interface ExportOutput {
  artifact_id: string;
  file_name: string;
  format: string;
  version: number;
  size_bytes: number;
}

export function exportTool(deps: { reports: Reports }): Tool<ExportInput, ExportOutput> {
  return {
    name: 'export',
    title: 'Export a report',
    description: 'Renders a report to a file the user can download: docx, pptx, markdown, json, or ics (a milestone plan’s dates for a calendar). Returns the file’s artifact id, which email_draft can attach.',
    input: ExportInput,
    sideEffects: true,
    async run(input, ctx) {
      const spaceId = deps.reports.spaceOf(input.report_id);
      if (spaceId === undefined) throw new HearthError('NOT_FOUND', `There is no report ${input.report_id}: make the report first, then export it.`, { reportId: input.report_id });
      // Only the run's own space: an approval or a standing permission is given for a space, never for others.
      if (spaceId !== ctx.spaceId || !ctx.caller.can('editor', spaceId)) {
        throw new HearthError('FORBIDDEN', `Report ${input.report_id} is not in this run's space, or this run may not make files there.`, { reportId: input.report_id });
      }
      const artifact = await deps.reports.render(input.report_id, input.format, ctx.signal);
      return {
        output: { artifact_id: artifact.id, file_name: artifact.fileName, format: artifact.format, version: artifact.version, size_bytes: artifact.sizeBytes },
        summary: `${artifact.fileName} (${artifact.format}, version ${artifact.version})`,
        made: { artifactIds: [artifact.id] },
      };
    },
  };
}
