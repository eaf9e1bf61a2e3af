/**
 * Brings a model into the library: in the desktop app by dropping a .gguf file or a model folder on the
 * page; everywhere by typing its path on the machine Hearth runs on (a browser never says where a file is).
 */
import { useState, type FormEvent } from 'react';
import { clearFinishedImports, importModel } from '../../state/model-actions.js';
import { useAppStore } from '../../state/app-store.js';
import { useModelsStore, type ModelImport } from '../../state/models-store.js';
import { lastPathSegment } from './display-text.js';

export function ModelImportPanel() {
  const canImportDrops = useModelsStore((state) => state.canImportDrops);
  const imports = useModelsStore((state) => state.imports);
  const connected = useAppStore((state) => state.connection === 'ready');
  const [path, setPath] = useState('');
  const [alias, setAlias] = useState('');

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!connected || path.trim() === '') return;
    importModel(path, alias);
    setPath('');
    setAlias('');
  };

  return (
    <section className="side-card" aria-labelledby="import-title">
      <h3 id="import-title" className="side-card__title">
        Import a model
      </h3>
      {canImportDrops && (
        <p className="import-drop-hint" data-testid="import-drop-hint">
          Drop a <code>.gguf</code> file or a model folder anywhere on this page.
        </p>
      )}
      <form className="import-form" onSubmit={submit}>
        <label htmlFor="import-path">Path on this machine</label>
        <input
          id="import-path"
          data-testid="import-path-input"
          placeholder="/path/to/model.gguf or a folder"
          spellCheck={false}
          autoComplete="off"
          value={path}
          onChange={(event) => setPath(event.target.value)}
        />
        <label htmlFor="import-alias">
          Alias <span className="muted">(optional)</span>
        </label>
        <input
          id="import-alias"
          data-testid="import-alias-input"
          placeholder="from the file name"
          spellCheck={false}
          autoComplete="off"
          value={alias}
          onChange={(event) => setAlias(event.target.value)}
        />
        <button type="submit" className="button button--primary" data-testid="import-button" disabled={!connected || path.trim() === ''}>
          Import
        </button>
      </form>
      <p className="muted import-note">The model is copied into the library as a new version; the original is left as it is.</p>
      {imports.length > 0 && (
        <div className="imports">
          <ul className="imports__list">
            {imports.map((entry) => (
              <ImportRow key={entry.id} entry={entry} />
            ))}
          </ul>
          {imports.some((entry) => entry.status !== 'running') && (
            <button type="button" className="button button--quiet button--small" onClick={clearFinishedImports}>
              Clear
            </button>
          )}
        </div>
      )}
    </section>
  );
}

function ImportRow({ entry }: { entry: ModelImport }) {
  return (
    <li className={`import-result import-result--${entry.status}`} data-testid="import-result" data-status={entry.status}>
      <span className="import-result__source" title={entry.source}>
        {lastPathSegment(entry.source)}
      </span>
      {entry.status === 'running' && <span className="muted">Importing…</span>}
      {entry.status === 'done' && (
        <span className="import-result__outcome">
          {entry.result.copied
            ? `Imported ${entry.result.kind}.${entry.result.alias} v${entry.result.version}`
            : `${entry.result.kind}.${entry.result.alias} v${entry.result.version} is already in the library`}
        </span>
      )}
      {entry.status === 'failed' && (
        <span className="import-result__error" role="alert">
          <code>{entry.error.code}</code> {entry.error.message}
        </span>
      )}
    </li>
  );
}

