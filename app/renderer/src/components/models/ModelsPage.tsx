/** The Models page: what answers use now, the library from models.toml grouped by kind, its problems, and importing. */
import { useState, type DragEvent } from 'react';
import { importDroppedFiles } from '../../state/model-actions.js';
import { useModelsStore } from '../../state/models-store.js';
import { ActiveModels } from './ActiveModels.js';
import { LibraryProblems } from './LibraryProblems.js';
import { ModelGroups } from './ModelGroups.js';
import { ModelImportPanel } from './ModelImportPanel.js';

export function ModelsPage({ hidden }: { hidden: boolean }) {
  const canImportDrops = useModelsStore((state) => state.canImportDrops);
  const [dragging, setDragging] = useState(false);

  // In the desktop app a model file or folder dropped anywhere on the page is imported by its path.
  const over = (event: DragEvent) => {
    if (!canImportDrops) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
    setDragging(true);
  };
  const leave = (event: DragEvent) => {
    if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setDragging(false);
  };
  const drop = (event: DragEvent) => {
    if (!canImportDrops) return;
    event.preventDefault();
    setDragging(false);
    importDroppedFiles(Array.from(event.dataTransfer.files));
  };

  return (
    <main
      className={dragging ? 'models-page models-page--dragging' : 'models-page'}
      data-testid="models-page"
      aria-labelledby="models-title"
      hidden={hidden}
      onDragEnter={over}
      onDragOver={over}
      onDragLeave={leave}
      onDrop={drop}
    >
      <div className="models-page__layout">
        <section className="models-page__library" aria-labelledby="models-title">
          <LibraryHead />
          <LibraryProblems />
          <ModelGroups />
        </section>
        <aside className="models-page__side">
          <ActiveModels />
          <ModelImportPanel />
        </aside>
      </div>
    </main>
  );
}

function LibraryHead() {
  const file = useModelsStore((state) => state.library?.file);
  const loading = useModelsStore((state) => state.loading);
  return (
    <header className="models-head">
      <h2 id="models-title" className="models-head__title">
        Model library {loading && <span className="muted models-head__loading">Reading…</span>}
      </h2>
      {file && (
        <p className="models-head__file" data-testid="library-file" title={file}>
          <code>{file}</code>
        </p>
      )}
    </header>
  );
}
