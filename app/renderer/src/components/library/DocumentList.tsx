/** The documents already in the current space, as the filter lets them through. */
import { useShallow } from 'zustand/react/shallow';
import { selectVisibleDocuments, useLibraryStore } from '../../state/library-store.js';
import { DocumentFilter } from './DocumentFilter.js';
import { DocumentItem } from './DocumentItem.js';

export function DocumentList() {
  const total = useLibraryStore((state) => state.documents.length);
  const documents = useLibraryStore(useShallow(selectVisibleDocuments));
  const loading = useLibraryStore((state) => state.loadingDocuments);
  return (
    <section className="documents" aria-labelledby="documents-title">
      <h3 id="documents-title" className="documents__title">
        Documents <span className="count">{documents.length === total ? total : `${documents.length} of ${total}`}</span>
      </h3>
      {total > 0 && <DocumentFilter />}
      {loading ? (
        <p className="muted">Loading…</p>
      ) : total === 0 ? (
        <p className="muted">No documents yet. Add some to ask questions across them.</p>
      ) : documents.length === 0 ? (
        <p className="muted">No document matches the filter.</p>
      ) : (
        <ul className="documents__list">
          {documents.map((document) => (
            <DocumentItem key={document.id} document={document} />
          ))}
        </ul>
      )}
    </section>
  );
}
