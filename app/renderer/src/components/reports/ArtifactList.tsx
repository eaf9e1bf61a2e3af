/**
 * A report's files, one row per format: the newest version with Download and Render again (a new version; the
 * old ones stay and can still be downloaded), or Render for a format not made yet.
 */
import type { ArtifactInfo, ReportFormat, ReportInfo } from '../../../../../schemas/index.js';
import { dismissFileError, downloadArtifact, renderAgain } from '../../state/report-actions.js';
import { useReportsStore, type FileWork } from '../../state/reports-store.js';
import { useReadOnlySpace } from '../team/read-only.js';

const FORMAT_ORDER: readonly ReportFormat[] = ['docx', 'pptx', 'markdown', 'json', 'ics'];
const FORMAT_LABELS: Record<ReportFormat, string> = {
  docx: 'Word document',
  pptx: 'Slides',
  markdown: 'Markdown',
  json: 'JSON',
  ics: 'Calendar',
};

export function ArtifactList({ report }: { report: ReportInfo }) {
  const templateFormats = useReportsStore((state) => state.templates.find((template) => template.id === report.templateId)?.formats);
  // A template removed since keeps its report's files; the formats come from those then.
  const present = new Set<ReportFormat>([...(templateFormats ?? []), ...report.artifacts.map((artifact) => artifact.format)]);
  const formats = FORMAT_ORDER.filter((format) => present.has(format));
  if (formats.length === 0) return null;
  return (
    <section className="report-files" aria-labelledby="report-files-title">
      <h3 id="report-files-title" className="report-files__title">
        Files
      </h3>
      <ul className="report-files__list">
        {formats.map((format) => (
          <ArtifactRow
            key={format}
            format={format}
            versions={report.artifacts.filter((artifact) => artifact.format === format).sort((a, b) => a.version - b.version)}
          />
        ))}
      </ul>
    </section>
  );
}

function ArtifactRow({ format, versions }: { format: ReportFormat; versions: ArtifactInfo[] }) {
  const latest = versions.at(-1);
  const earlier = versions.slice(0, -1);
  const download = useReportsStore((state) => (latest ? state.downloads[latest.id] : undefined));
  const render = useReportsStore((state) => state.renders[format]);
  const readOnly = useReadOnlySpace(); // rendering again needs the editor role
  return (
    <li className="report-file" data-testid="report-file" data-format={format} data-version={latest?.version}>
      <div className="report-file__head">
        <span className="report-file__format">
          {FORMAT_LABELS[format]} <code className="report-file__ext">.{extensionOf(latest?.fileName, format)}</code>
        </span>
        <span className="report-file__actions">
          {latest && (
            <button
              type="button"
              className="button button--small"
              data-testid="artifact-download"
              disabled={download?.status === 'working'}
              onClick={() => void downloadArtifact(latest.id)}
            >
              {download?.status === 'working' ? 'Downloading…' : 'Download'}
            </button>
          )}
          {!readOnly && (
            <button
              type="button"
              className="button button--quiet button--small"
              data-testid="artifact-render"
              disabled={render?.status === 'working'}
              onClick={() => void renderAgain(format)}
            >
              {render?.status === 'working' ? 'Rendering…' : latest ? 'Render again' : 'Render'}
            </button>
          )}
        </span>
      </div>
      <p className="report-file__meta">
        {latest ? (
          <>
            <span data-testid="artifact-version">Version {latest.version}</span> · {sizeOf(latest.sizeBytes)} · {latest.fileName}
          </>
        ) : (
          'Not rendered yet.'
        )}
      </p>
      {earlier.length > 0 && <EarlierVersions versions={earlier} />}
      <WorkError work={download} onDismiss={() => latest && dismissFileError({ artifactId: latest.id })} what="download" />
      <WorkError work={render} onDismiss={() => dismissFileError({ format })} what="render" />
    </li>
  );
}

/** The versions a newer render replaced on screen; each is still kept and can be downloaded. */
function EarlierVersions({ versions }: { versions: ArtifactInfo[] }) {
  return (
    <p className="report-file__earlier">
      Earlier:{' '}
      {versions.map((artifact) => (
        <button
          key={artifact.id}
          type="button"
          className="link-button"
          data-testid="artifact-earlier"
          title={`Download version ${artifact.version} (${artifact.fileName})`}
          onClick={() => void downloadArtifact(artifact.id)}
        >
          v{artifact.version}
        </button>
      ))}
    </p>
  );
}

function WorkError({ work, onDismiss, what }: { work: FileWork | undefined; onDismiss: () => void; what: string }) {
  if (work?.status !== 'failed') return null;
  return (
    <p className="report-file__error" role="alert" data-testid={`artifact-${what}-error`}>
      <span>
        {what === 'download' ? 'Could not download: ' : 'Could not render: '}
        {work.error.message}
      </span>
      <button type="button" className="link-button" onClick={onDismiss}>
        Dismiss
      </button>
    </p>
  );
}

function extensionOf(fileName: string | undefined, format: ReportFormat): string {
  const dot = fileName?.lastIndexOf('.') ?? -1;
  if (fileName && dot > 0) return fileName.slice(dot + 1);
  return format === 'markdown' ? 'md' : format;
}

function sizeOf(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
