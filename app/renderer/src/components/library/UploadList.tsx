/** One row per file being added to the current space: its stage and progress, or why it failed. */
import { useShallow } from 'zustand/react/shallow';
import { clearFinishedUploads, needsPassword, retryUploadWithPassword } from '../../state/upload-actions.js';
import { useLibraryStore, type Upload } from '../../state/library-store.js';
import { useSpacesStore } from '../../state/spaces-store.js';
import { PasswordForm } from './PasswordForm.js';
import { STAGE_LABELS } from './stage-labels.js';

export function UploadList() {
  const spaceId = useSpacesStore((state) => state.currentSpaceId);
  const uploads = useLibraryStore(useShallow((state) => state.uploads.filter((upload) => upload.spaceId === spaceId)));
  if (uploads.length === 0) return null;
  const anyFinished = uploads.some((upload) => upload.stage === 'done' || upload.stage === 'failed');
  return (
    <section className="uploads" aria-label="Files being added">
      <ul className="uploads__list">
        {uploads.map((upload) => (
          <UploadRow key={upload.id} upload={upload} />
        ))}
      </ul>
      {anyFinished && (
        <button type="button" className="button button--quiet button--small" onClick={clearFinishedUploads}>
          Clear finished
        </button>
      )}
    </section>
  );
}

function UploadRow({ upload }: { upload: Upload }) {
  const label = upload.stage === 'done' && upload.outcome === 'unchanged' ? 'Already in the library' : STAGE_LABELS[upload.stage];
  const percent = Math.round(upload.fraction * 100);
  return (
    <li className={`upload upload--${upload.stage}`} data-testid="upload-row" data-stage={upload.stage}>
      <div className="upload__head">
        <span className="upload__name" title={upload.name}>
          {upload.name}
        </span>
        <span className="upload__stage">
          {label}
          {upload.stage !== 'failed' && upload.stage !== 'done' && upload.stage !== 'queued' ? ` · ${percent}%` : ''}
        </span>
      </div>
      {upload.error ? (
        <>
          <p className="upload__error" data-testid="upload-error">
            <code>{upload.error.code}</code>{' '}
            {upload.error.code === 'PASSWORD_INCORRECT'
              ? 'Wrong password. Try again.'
              : upload.error.code === 'PASSWORD_REQUIRED'
                ? 'This PDF is protected by a password.'
                : upload.error.message}
          </p>
          {needsPassword(upload) && (
            <PasswordForm name={upload.name} testId="upload-password" onSubmit={(password) => retryUploadWithPassword(upload.id, password)} />
          )}
        </>
      ) : (
        <div
          className="progress"
          role="progressbar"
          aria-label={`${upload.name}: ${label}`}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={percent}
        >
          <div className="progress__fill" style={{ width: `${percent}%` }} />
        </div>
      )}
    </li>
  );
}
