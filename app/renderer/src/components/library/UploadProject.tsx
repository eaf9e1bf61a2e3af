/** The project files added next go under: optional, offered from the projects already in the space. */
import { useId } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { setUploadProject } from '../../state/upload-actions.js';
import { selectProjects, useLibraryStore } from '../../state/library-store.js';

export function UploadProject({ disabled }: { disabled: boolean }) {
  const inputId = useId();
  const listId = useId();
  const project = useLibraryStore((state) => state.uploadProject);
  const projects = useLibraryStore(useShallow(selectProjects));
  return (
    <div className="upload-project">
      <label htmlFor={inputId}>Project</label>
      <input
        id={inputId}
        type="text"
        className="upload-project__input"
        placeholder="optional"
        maxLength={200}
        list={listId}
        disabled={disabled}
        data-testid="upload-project"
        value={project}
        onChange={(event) => setUploadProject(event.target.value)}
      />
      <datalist id={listId}>
        {projects.map((name) => (
          <option key={name} value={name} />
        ))}
      </datalist>
    </div>
  );
}
