/**
 * The report open for reading: its title and how it was made (by which model, or extractively, without one),
 * its body laid out by template with [n] chips that open passages in the citation panel, the passages it
 * rests on, and its files.
 */
import type { ReportInfo } from '../../../../../schemas/index.js';
import { useReportsStore } from '../../state/reports-store.js';
import { CitationChip } from '../chat/CitationChip.js';
import { ArtifactList } from './ArtifactList.js';
import { ReportBody } from './ReportBody.js';
import { madeAt } from './report-dates.js';

export function ReportReader() {
  const open = useReportsStore((state) => state.open);
  if (!open) return null;
  if (open.status === 'loading') return <p className="muted">Opening the report…</p>;
  if (open.status === 'failed') {
    return (
      <p className="message__error" role="alert" data-testid="report-open-error">
        Could not open the report: {open.error.message}
      </p>
    );
  }
  const { report } = open;
  return (
    <article className="report" data-testid="report" data-report-id={report.id} data-template={report.templateId} aria-labelledby="report-title">
      <ReportHead report={report} />
      <ReportBody templateId={report.templateId} value={report.value} evidence={report.evidence} />
      <Passages report={report} />
      <ArtifactList report={report} />
    </article>
  );
}

function ReportHead({ report }: { report: ReportInfo }) {
  return (
    <header className="report__head">
      <p className="report__eyebrow">{report.templateName}</p>
      <h2 id="report-title" className="report__title" data-testid="report-title">
        {report.title}
      </h2>
      <p className="report__meta">
        {madeAt(report.createdAt)}
        {report.model !== undefined && ` · drafted by the model “${report.model}”`}
        {report.repairs > 0 && ` · valid after ${report.repairs} ${report.repairs === 1 ? 'repair' : 'repairs'}`}
      </p>
      {report.extractive && (
        <p className="badge badge--extractive" data-testid="report-extractive" title="Its points are the passages’ own sentences, each citing its passage.">
          Extractive — built without a language model
        </p>
      )}
      <p className="report__request">
        <span className="report__request-label">Asked:</span> {report.request}
      </p>
    </header>
  );
}

/** Every passage retrieved for the report, by number, as an answer lists its sources. */
function Passages({ report }: { report: ReportInfo }) {
  if (report.evidence.length === 0) return null;
  return (
    <div className="sources report__sources">
      <h4 className="sources__title">Passages</h4>
      <ol className="sources__list">
        {report.evidence.map((passage) => (
          <li key={passage.number}>
            <CitationChip index={passage.number} citation={passage.citation} variant="source" />
          </li>
        ))}
      </ol>
    </div>
  );
}
