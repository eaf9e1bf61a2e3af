/**
 * What a finished run made that the user may want to open: the report (on the Reports page, with its files)
 * and any file made without one (an e-mail draft), downloadable here.
 */
import type { AgentRun } from '../../state/agent-run.js';
import { openRunReport } from '../../state/agent-actions.js';
import { downloadArtifact } from '../../state/report-actions.js';
import { useReportsStore } from '../../state/reports-store.js';

export function RunFiles({ run }: { run: AgentRun }) {
  const result = run.result;
  const downloads = useReportsStore((state) => state.downloads);
  if (!result) return null;
  const looseFiles = result.artifactIds.filter((artifactId) => !result.reportId || !fileOfReport(run, artifactId));
  if (!result.reportId && looseFiles.length === 0) return null;
  return (
    <div className="run-files" data-testid="agent-run-files">
      {result.reportId && (
        <button type="button" className="button button--small" data-testid="agent-open-report" onClick={() => void openRunReport(result.reportId!)}>
          Open the report
        </button>
      )}
      {looseFiles.map((artifactId) => {
        const work = downloads[artifactId];
        return (
          <button
            key={artifactId}
            type="button"
            className="button button--quiet button--small"
            data-testid="agent-file-download"
            data-artifact-id={artifactId}
            disabled={work?.status === 'working'}
            title={work?.status === 'failed' ? work.error.message : undefined}
            onClick={() => void downloadArtifact(artifactId)}
          >
            Download {fileNameOf(run, artifactId) ?? 'file'}
          </button>
        );
      })}
    </div>
  );
}

/** A tool's output that describes the artifact (`{ id, fileName, reportId? }`), anywhere in the run's results. */
function artifactOf(run: AgentRun, artifactId: string): { fileName?: unknown; reportId?: unknown } | undefined {
  const search = (value: unknown): { fileName?: unknown; reportId?: unknown } | undefined => {
    if (Array.isArray(value)) return value.map(search).find(Boolean);
    if (typeof value !== 'object' || value === null) return undefined;
    const record = value as Record<string, unknown>;
    if (record['id'] === artifactId || record['artifactId'] === artifactId) return record;
    return Object.values(record).map(search).find(Boolean);
  };
  return Object.values(run.toolCalls).map((call) => search(call.result?.output)).find(Boolean);
}

function fileOfReport(run: AgentRun, artifactId: string): boolean {
  return artifactOf(run, artifactId)?.reportId !== undefined || madeByReportTool(run, artifactId);
}

/** Whether the report tool's output (`{ report_id, artifacts: [{ id, … }] }`) lists the file: it is that report's. */
function madeByReportTool(run: AgentRun, artifactId: string): boolean {
  return Object.values(run.toolCalls).some((call) => {
    const output = call.result?.output as { report_id?: unknown; artifacts?: unknown } | undefined;
    return typeof output?.report_id === 'string' && Array.isArray(output.artifacts) && output.artifacts.some((artifact) => (artifact as { id?: unknown })?.id === artifactId);
  });
}

function fileNameOf(run: AgentRun, artifactId: string): string | undefined {
  const name = artifactOf(run, artifactId)?.fileName;
  return typeof name === 'string' ? name : undefined;
}
