/** The side panel that shows a cited passage highlighted in its document's full text. */
import { useEffect, useRef } from 'react';
import { closeCitation } from '../../state/actions.js';
import { useCitationStore } from '../../state/citation-store.js';

export function CitationPanel() {
  const open = useCitationStore((state) => state.open);
  const documentText = useCitationStore((state) => (state.open ? state.texts[state.open.citation.documentId] : undefined));
  if (!open) return null;
  const { citation, index } = open;
  return (
    <aside className="column citation-panel" data-testid="citation-panel" aria-labelledby="citation-title">
      <header className="citation-panel__head">
        <div>
          <p className="citation-panel__eyebrow">Source {index}</p>
          <h2 id="citation-title" className="citation-panel__title" data-testid="citation-document">
            {citation.documentName}
          </h2>
          {citation.headingPath.length > 0 && (
            <p className="citation-panel__path" data-testid="citation-heading-path">
              {citation.headingPath.join(' › ')}
            </p>
          )}
        </div>
        <button type="button" className="button button--quiet button--small" aria-label="Close source" onClick={closeCitation}>
          Close
        </button>
      </header>
      {(!documentText || documentText.status === 'loading') && <p className="muted">Loading the document…</p>}
      {documentText?.status === 'failed' && (
        <p className="message__error" role="alert">
          <code>{documentText.error.code}</code> {documentText.error.message}
        </p>
      )}
      {documentText?.status === 'ready' && <CitedText text={documentText.text} start={citation.start} end={citation.end} />}
    </aside>
  );
}

/** The whole text with [start, end) marked and scrolled into view. */
function CitedText({ text, start, end }: { text: string; start: number; end: number }) {
  const mark = useRef<HTMLElement>(null);
  const from = Math.min(start, text.length);
  const to = Math.min(Math.max(end, from), text.length);

  useEffect(() => {
    mark.current?.scrollIntoView({ block: 'center' });
  }, [text, from, to]);

  return (
    <div className="document-text" data-testid="citation-text">
      {text.slice(0, from)}
      <mark ref={mark} data-testid="citation-mark">
        {text.slice(from, to)}
      </mark>
      {text.slice(to)}
    </div>
  );
}
