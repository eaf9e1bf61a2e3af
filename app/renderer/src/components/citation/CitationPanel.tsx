/**
 * The side panel that shows a cited passage: where it is in its file, and either the document's text with
 * the passage marked or, for a PDF, the cited page as drawn with the passage's words highlighted. A citation
 * whose document was read again since the answer is shown in the new reading, where the core found it.
 */
import type { Citation, LocatedCitation } from '../../../../../schemas/index.js';
import { closeCitation, showCitationView } from '../../state/actions.js';
import { useCitationStore, type CitationPlacement, type CitationView } from '../../state/citation-store.js';
import { describeLocation } from './citation-location.js';
import { CitedText } from './CitedText.js';
import { PdfPages } from './PdfPages.js';

export function CitationPanel() {
  const open = useCitationStore((state) => state.open);
  const chosenView = useCitationStore((state) => state.view);
  if (!open) return null;
  const { index, placement } = open;
  // Until the core has said where the passage is now, the head names it as the answer cited it.
  const citation = placement.status === 'ready' ? placement.located.citation : open.citation;
  const hasPages = citation.page !== undefined;
  const view: CitationView = hasPages ? chosenView : 'text';
  const location = describeLocation(citation);
  return (
    <aside className="column citation-panel" data-testid="citation-panel" aria-labelledby="citation-title">
      <header className="citation-panel__head">
        <div>
          <p className="citation-panel__eyebrow">Source {index}</p>
          <h2 id="citation-title" className="citation-panel__title" data-testid="citation-document">
            {citation.documentName}
          </h2>
          {(location || citation.headingPath.length > 0) && (
            <p className="citation-panel__path">
              {location && (
                <span className="citation-panel__location" data-testid="citation-location">
                  {location}
                </span>
              )}
              {location && citation.headingPath.length > 0 && ' · '}
              {citation.headingPath.length > 0 && <span data-testid="citation-heading-path">{citation.headingPath.join(' › ')}</span>}
            </p>
          )}
          {hasPages && <ViewTabs view={view} />}
        </div>
        <button type="button" className="button button--quiet button--small" aria-label="Close source" onClick={closeCitation}>
          Close
        </button>
      </header>
      <PanelBody placement={placement} citation={citation} view={view} />
    </aside>
  );
}

function PanelBody({ placement, citation, view }: { placement: CitationPlacement; citation: Citation; view: CitationView }) {
  if (placement.status === 'locating') return <p className="muted">Loading the document…</p>;
  if (placement.status === 'failed') {
    return (
      <p className="message__error" role="alert" data-testid="citation-error">
        <code>{placement.error.code}</code> {placement.error.message}
      </p>
    );
  }
  return (
    <>
      <RereadNote passage={placement.located.passage} />
      {view === 'page' ? <PdfPages citation={citation} /> : <TextView citation={citation} />}
    </>
  );
}

/** Says when the document was read again since the answer, and whether the passage is still in it. */
function RereadNote({ passage }: { passage: LocatedCitation['passage'] }) {
  if (passage === 'current') return null;
  const missing = passage === 'missing';
  return (
    <p className={missing ? 'citation-panel__note citation-panel__note--missing' : 'citation-panel__note'} role="note" data-testid="citation-reread-note" data-passage={passage}>
      {missing
        ? 'This document was read again since this answer; the cited passage is no longer in it word for word.'
        : 'This document was read again since this answer; the passage is shown in the new reading.'}
    </p>
  );
}

function ViewTabs({ view }: { view: CitationView }) {
  const tab = (value: CitationView, label: string) => (
    <button
      type="button"
      role="tab"
      aria-selected={view === value}
      className={view === value ? 'view-tab view-tab--current' : 'view-tab'}
      data-testid={`citation-view-${value}`}
      onClick={() => showCitationView(value)}
    >
      {label}
    </button>
  );
  return (
    <div className="view-tabs citation-panel__tabs" role="tablist" aria-label="Show the source as">
      {tab('text', 'Text')}
      {tab('page', 'Page')}
    </div>
  );
}

function TextView({ citation }: { citation: Citation }) {
  const documentText = useCitationStore((state) => state.texts[citation.documentId]);
  if (!documentText || documentText.status === 'loading') return <p className="muted">Loading the document…</p>;
  if (documentText.status === 'failed') {
    return (
      <p className="message__error" role="alert">
        <code>{documentText.error.code}</code> {documentText.error.message}
      </p>
    );
  }
  return <CitedText text={documentText.text} start={citation.start} end={citation.end} />;
}
