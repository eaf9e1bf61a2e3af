/**
 * Takes files in, by drag-and-drop or through the file picker, and queues them for ingest under the project typed
 * beside it. A viewer of a team space is told the zone is not for them rather than offered what the server refuses.
 */
import { useRef, useState, type DragEvent } from 'react';
import { addFiles } from '../../state/upload-actions.js';
import { useAppStore } from '../../state/app-store.js';
import { useSpacesStore } from '../../state/spaces-store.js';
import { useReadOnlySpace } from '../team/read-only.js';
import { UploadProject } from './UploadProject.js';

export function DropZone() {
  const hasSpace = useSpacesStore((state) => state.currentSpaceId !== null);
  const connected = useAppStore((state) => state.connection === 'ready');
  const readOnly = useReadOnlySpace();
  const canAdd = hasSpace && connected && !readOnly;
  const [dragging, setDragging] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  const over = (event: DragEvent) => {
    event.preventDefault();
    event.dataTransfer.dropEffect = canAdd ? 'copy' : 'none';
    setDragging(true);
  };
  const leave = (event: DragEvent) => {
    // Moving onto a child fires dragleave on the zone; only leaving the zone itself counts.
    if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setDragging(false);
  };
  const drop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    if (canAdd) addFiles(Array.from(event.dataTransfer.files));
  };

  return (
    <div
      className={dragging ? 'drop-zone drop-zone--active' : 'drop-zone'}
      data-testid="drop-zone"
      data-ready={canAdd}
      data-read-only={readOnly}
      onDragEnter={over}
      onDragOver={over}
      onDragLeave={leave}
      onDrop={drop}
    >
      <p className="drop-zone__hint">
        {canAdd
          ? 'Drop documents here — PDF, Word, Excel, CSV, PowerPoint, HTML, Markdown, text'
          : readOnly
            ? 'You can read this space; ask its owner for the editor role to add files'
            : connected
              ? 'Make or pick a space to add documents to it'
              : 'Connecting to Hearth… documents can be added once it answers'}
      </p>
      <div className="drop-zone__actions">
        <button type="button" className="button" disabled={!canAdd} onClick={() => input.current?.click()}>
          Add files
        </button>
        {!readOnly && <UploadProject disabled={!canAdd} />}
      </div>
      <input
        ref={input}
        type="file"
        multiple
        hidden
        data-testid="file-input"
        aria-label="Add files"
        onChange={(event) => {
          addFiles(Array.from(event.target.files ?? []));
          event.target.value = ''; // so picking the same file again still fires a change
        }}
      />
    </div>
  );
}
