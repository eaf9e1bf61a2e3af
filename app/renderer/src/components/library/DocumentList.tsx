/** The documents already in the current space. */
import type { DocumentInfo } from '../../../../../schemas/index.js';
import { useLibraryStore } from '../../state/library-store.js';

export function DocumentList() {
  const documents = useLibraryStore((state) => state.documents);
  const loading = useLibraryStore((state) => state.loadingDocuments);
  return (
    <section className="documents" aria-labelledby="documents-title">
      <h3 id="documents-title" className="documents__title">
        Documents <span className="count">{documents.length}</span>
      </h3>
      {loading ? (
        <p className="muted">Loading…</p>
      ) : documents.length === 0 ? (
        <p className="muted">No documents yet. Add some to ask questions across them.</p>
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

function DocumentItem({ document }: { document: DocumentInfo }) {
  return (
    <li className="document" data-testid="document-item" data-document-id={document.id}>
      <span className="document__name" title={document.name}>
        {document.name}
      </span>
      <span className="document__meta">
        {document.format === 'markdown' ? 'Markdown' : 'Text'} · {formatSize(document.sizeBytes)} · {document.chunkCount}{' '}
        {document.chunkCount === 1 ? 'passage' : 'passages'}
      </span>
    </li>
  );
}

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
