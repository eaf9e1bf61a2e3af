/** The space's reports, newest first; choosing one opens it for reading. */
import { openReport } from '../../state/report-actions.js';
import { useReportsStore } from '../../state/reports-store.js';
import { madeAt } from './report-dates.js';

export function ReportList() {
  const reports = useReportsStore((state) => state.reports);
  const openId = useReportsStore((state) => state.open?.reportId);
  const loading = useReportsStore((state) => state.loading);
  return (
    <section className="report-list" aria-labelledby="report-list-title">
      <h2 id="report-list-title" className="documents__title">
        Reports in this space <span className="count">{reports.length}</span>
      </h2>
      {loading && <p className="muted">Reading the reports…</p>}
      {!loading && reports.length === 0 && <p className="muted">None yet. A report you create is kept here, with its files.</p>}
      <ul className="report-list__items">
        {reports.map((report) => (
          <li key={report.id}>
            <button
              type="button"
              className="report-item"
              data-testid="report-item"
              data-report-id={report.id}
              aria-current={report.id === openId ? 'true' : undefined}
              onClick={() => void openReport(report.id)}
            >
              <span className="report-item__title">{report.title}</span>
              <span className="report-item__meta">
                {report.templateName} · {madeAt(report.createdAt)}
                {report.extractive && ' · extractive'}
              </span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
