/** One row per file being added to the current space: its stage and progress, or why it failed. */
import { useId, useState, type FormEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { clearFinishedUploads, needsPassword, retryUploadWithPassword } from '../../state/actions.js';
import { useLibraryStore, type Upload, type UploadStage } from '../../state/library-store.js';
import { useSpacesStore } from '../../state/spaces-store.js';

const STAGE_LABELS: Record<UploadStage, string> = {
  queued: 'Waiting',
  reading: 'Reading',
  parsing: 'Parsing',
  chunking: 'Splitting into passages',
  embedding: 'Embedding',
  indexing: 'Indexing',
  done: 'Added',
  failed: 'Failed',
};

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
          {needsPassword(upload) && <PasswordForm upload={upload} />}
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

/**
 * Asks for an encrypted PDF's password and ingests the same file again with it. What is typed lives only in
 * this input until it is sent; the form goes away (and the value with it) as the row starts over.
 */
function PasswordForm({ upload }: { upload: Upload }) {
  const inputId = useId();
  const [password, setPassword] = useState('');
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (password === '') return;
    const typed = password;
    setPassword('');
    retryUploadWithPassword(upload.id, typed);
  };
  return (
    <form className="upload__password" onSubmit={submit}>
      <label className="visually-hidden" htmlFor={inputId}>
        Password for {upload.name}
      </label>
      <input
        id={inputId}
        className="upload__password-input"
        type="password"
        autoComplete="off"
        placeholder="Password"
        autoFocus
        value={password}
        onChange={(event) => setPassword(event.target.value)}
        data-testid="upload-password-input"
      />
      <button type="submit" className="button button--small" disabled={password === ''} data-testid="upload-password-submit">
        Open
      </button>
    </form>
  );
}
