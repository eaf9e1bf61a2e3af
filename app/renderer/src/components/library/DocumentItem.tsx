/**
 * One document in the library: its name, format, size and project, what the reader noticed, a Re-read (read it
 * again from its original, with its progress) and a Delete that asks first — neither for a viewer of a team space.
 */
import { useState } from 'react';
import type { DocumentInfo } from '../../../../../schemas/index.js';
import { deleteDocument, dismissDeletionError } from '../../state/actions.js';
import { dismissReingest, needsPassword, rereadDocument } from '../../state/upload-actions.js';
import { useLibraryStore, type Reingest } from '../../state/library-store.js';
import { FORMAT_LABELS } from './document-formats.js';
import { PasswordForm } from './PasswordForm.js';
import { useReadOnlySpace } from '../team/read-only.js';
import { STAGE_LABELS } from './stage-labels.js';

export function DocumentItem({ document }: { document: DocumentInfo }) {
  const deletion = useLibraryStore((state) => state.deletions[document.id]);
  const reingest = useLibraryStore((state) => state.reingests[document.id]);
  const readOnly = useReadOnlySpace();
  const [confirming, setConfirming] = useState(false);
  const deleting = deletion?.status === 'deleting';
  const rereading = reingest !== undefined && reingest.stage !== 'done' && reingest.stage !== 'failed';
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
        {!confirming && !readOnly && (
          <span className="document__actions">
            <button
              type="button"
              className="button button--quiet button--small document__action"
              aria-label={`Re-read ${document.name}`}
              title="Read this document again from its original, e.g. after Hearth’s readers or OCR languages were updated"
              data-testid="document-reingest"
              disabled={deleting || rereading}
              onClick={() => rereadDocument(document.id)}
            >
              {rereading ? 'Re-reading…' : 'Re-read'}
            </button>
            <button
              type="button"
              className="button button--quiet button--small document__action"
              aria-label={`Delete ${document.name}`}
              data-testid="document-delete"
              disabled={deleting || rereading}
              onClick={() => setConfirming(true)}
            >
              {deleting ? 'Deleting…' : 'Delete'}
            </button>
          </span>
        )}
      </div>
      <span className="document__meta">
        {meta.join(' · ')}
        {document.project !== undefined && (
          <span className="document__project" title={`Project: ${document.project}`} data-testid="document-project">
            {document.project}
          </span>
        )}
      </span>
      {reingest && <ReingestStatus document={document} reingest={reingest} />}
      {confirming && !readOnly && (
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

/** A re-read's progress bar, its failure (with a password form for an encrypted PDF), or that it is done. */
function ReingestStatus({ document, reingest }: { document: DocumentInfo; reingest: Reingest }) {
  const percent = Math.round(reingest.fraction * 100);
  if (reingest.stage === 'failed') {
    const error = reingest.error;
    return (
      <div className="document__reingest document__reingest--failed" data-testid="document-reingest-status" data-stage="failed">
        <p className="document__error" role="alert">
          <code>{error?.code}</code> Could not re-read:{' '}
          {error?.code === 'PASSWORD_INCORRECT'
            ? 'wrong password. Try again.'
            : error?.code === 'PASSWORD_REQUIRED'
              ? 'this PDF is protected by a password.'
              : error?.message}{' '}
          The version already in the library is unchanged.{' '}
          <button type="button" className="link-button" onClick={() => dismissReingest(document.id)}>
            Dismiss
          </button>
        </p>
        {needsPassword(reingest) && (
          <PasswordForm name={document.name} testId="document-reingest-password" onSubmit={(password) => rereadDocument(document.id, password)} />
        )}
      </div>
    );
  }
  if (reingest.stage === 'done') {
    return (
      <p className="document__reingest document__reingest--done" data-testid="document-reingest-status" data-stage="done">
        Read again: {document.chunkCount} {document.chunkCount === 1 ? 'passage' : 'passages'}.{' '}
        <button type="button" className="link-button" onClick={() => dismissReingest(document.id)}>
          Dismiss
        </button>
      </p>
    );
  }
  const label = `Re-reading · ${STAGE_LABELS[reingest.stage]}`;
  return (
    <div className="document__reingest" data-testid="document-reingest-status" data-stage={reingest.stage}>
      <span className="document__reingest-stage">
        {label}
        {reingest.stage !== 'queued' ? ` · ${percent}%` : ''}
      </span>
      <div
        className="progress"
        role="progressbar"
        aria-label={`${document.name}: ${label}`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
      >
        <div className="progress__fill" style={{ width: `${percent}%` }} />
      </div>
    </div>
  );
}

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
