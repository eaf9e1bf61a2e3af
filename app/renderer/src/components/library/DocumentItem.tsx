/** One document in the library: its name, format and size, what the reader noticed, and a Delete that asks first. */
import { useState } from 'react';
import type { DocumentInfo } from '../../../../../schemas/index.js';
import { deleteDocument, dismissDeletionError } from '../../state/actions.js';
import { useLibraryStore } from '../../state/library-store.js';
import { FORMAT_LABELS } from './document-formats.js';

export function DocumentItem({ document }: { document: DocumentInfo }) {
  const deletion = useLibraryStore((state) => state.deletions[document.id]);
  const [confirming, setConfirming] = useState(false);
  const deleting = deletion?.status === 'deleting';
  const meta = [
    FORMAT_LABELS[document.format],
    ...(document.pageCount !== undefined ? [`${document.pageCount} ${document.pageCount === 1 ? 'page' : 'pages'}`] : []),
    formatSize(document.sizeBytes),
    `${document.chunkCount} ${document.chunkCount === 1 ? 'passage' : 'passages'}`,
  ];
  return (
    <li className="document" data-testid="document-item" data-document-id={document.id} data-format={document.format}>
      <div className="document__head">
        <span className="document__name" title={document.name}>
          {document.name}
        </span>
        {!confirming && (
          <button
            type="button"
            className="button button--quiet button--small document__delete"
            aria-label={`Delete ${document.name}`}
            data-testid="document-delete"
            disabled={deleting}
            onClick={() => setConfirming(true)}
          >
            {deleting ? 'Deleting…' : 'Delete'}
          </button>
        )}
      </div>
      <span className="document__meta">{meta.join(' · ')}</span>
      {confirming && (
        <div className="document__confirm" role="group" aria-label={`Delete ${document.name}?`}>
          <span>Delete from this space?</span>
          <button
            type="button"
            className="button button--danger button--small"
            data-testid="document-delete-confirm"
            onClick={() => {
              setConfirming(false);
              void deleteDocument(document.id);
            }}
          >
            Delete
          </button>
          <button type="button" className="button button--quiet button--small" onClick={() => setConfirming(false)}>
            Keep
          </button>
        </div>
      )}
      {document.warnings.length > 0 && (
        <ul className="document__warnings" data-testid="document-warnings">
          {document.warnings.map((warning) => (
            <li key={warning} title={warning}>
              {warning}
            </li>
          ))}
        </ul>
      )}
      {deletion?.status === 'failed' && (
        <p className="document__error" role="alert" data-testid="document-delete-error">
          <code>{deletion.error.code}</code> Could not delete: {deletion.error.message}{' '}
          <button type="button" className="link-button" onClick={() => dismissDeletionError(document.id)}>
            Dismiss
          </button>
        </p>
      )}
    </li>
  );
}

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
