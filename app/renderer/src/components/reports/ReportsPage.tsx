/**
 * The Reports page: a new report and the space's past ones on the left, the report being made and the report
 * open for reading in the middle, and the citation panel answers use on the right when a passage is open.
 */
import { useCitationStore } from '../../state/citation-store.js';
import { useReportsStore } from '../../state/reports-store.js';
import { CitationPanel } from '../citation/CitationPanel.js';
import { useReadOnlySpace } from '../team/read-only.js';
import { AddTemplateForm } from './AddTemplateForm.js';
import { NewReportForm } from './NewReportForm.js';
import { ReportList } from './ReportList.js';
import { ReportReader } from './ReportReader.js';
import { RunProgress } from './RunProgress.js';

export function ReportsPage({ hidden }: { hidden: boolean }) {
  const citationOpen = useCitationStore((state) => state.open !== null) && !hidden;
  // Making a report or a template needs the editor role; a viewer reads the space's reports.
  const readOnly = useReadOnlySpace();
  return (
    <main className={citationOpen ? 'reports-page reports-page--with-source' : 'reports-page'} data-testid="reports-page" hidden={hidden}>
      <section className="column reports-page__side" aria-label="New report and past reports">
        {readOnly ? (
          <p className="muted" data-testid="read-only-hint">
            You can read this space’s reports; ask its owner for the editor role to make one.
          </p>
        ) : (
          <>
            <NewReportForm />
            <AddTemplateForm />
          </>
        )}
        <ReportList />
      </section>
      <section className="column reports-page__main" aria-label="Report">
        <LoadProblem />
        <RunProgress />
        <ReportReader />
        <EmptyHint />
      </section>
      {citationOpen && <CitationPanel />}
    </main>
  );
}

function LoadProblem() {
  const error = useReportsStore((state) => state.loadError);
  if (!error) return null;
  return (
    <p className="message__error" role="alert" data-testid="reports-load-error">
      Could not read this space’s reports: {error.message}
    </p>
  );
}

function EmptyHint() {
  const empty = useReportsStore((state) => state.run === null && state.open === null && !state.loading);
  if (!empty) return null;
  return (
    <p className="reports-page__empty muted">
      Pick a template and say what the report is for. It is built from this space’s documents, every claim citing its passage, and
      kept with its Word, slide, Markdown and JSON files.
    </p>
  );
}
