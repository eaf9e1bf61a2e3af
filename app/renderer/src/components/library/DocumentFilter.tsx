/** Narrows the document list by name, format, project and date added; the list itself stays whole in the store. */
import { useShallow } from 'zustand/react/shallow';
import type { DocumentFormat } from '../../../../../schemas/index.js';
import { clearDocumentFilter, setDocumentFilter } from '../../state/actions.js';
import { isFiltering } from '../../state/library-filter.js';
import { selectProjects, useLibraryStore } from '../../state/library-store.js';
import { FILTER_FORMATS, FORMAT_LABELS } from './document-formats.js';

export function DocumentFilter() {
  const filter = useLibraryStore((state) => state.filter);
  const projects = useLibraryStore(useShallow(selectProjects));
  // A chosen project whose documents are all gone stays selectable, so the select never shows a blank.
  const projectOptions = filter.project !== null && !projects.includes(filter.project) ? [...projects, filter.project] : projects;
  return (
    <div className="document-filter" role="search" aria-label="Filter documents">
      <div className="document-filter__row">
        <input
          type="search"
          className="document-filter__text"
          placeholder="Filter by name"
          aria-label="Filter documents by name"
          data-testid="document-filter-text"
          value={filter.text}
          onChange={(event) => setDocumentFilter({ text: event.target.value })}
        />
        <select
          className="document-filter__format"
          aria-label="Filter documents by format"
          data-testid="document-filter-format"
          value={filter.format}
          onChange={(event) => setDocumentFilter({ format: event.target.value as DocumentFormat | 'all' })}
        >
          <option value="all">All</option>
          {FILTER_FORMATS.map((format) => (
            <option key={format} value={format}>
              {FORMAT_LABELS[format]}
            </option>
          ))}
        </select>
      </div>
      {projectOptions.length > 0 && (
        <select
          className="document-filter__project"
          aria-label="Filter documents by project"
          data-testid="document-filter-project"
          value={filter.project ?? ''}
          // Project names are never empty (the core trims and requires a character), so '' can mean "all".
          onChange={(event) => setDocumentFilter({ project: event.target.value === '' ? null : event.target.value })}
        >
          <option value="">All projects</option>
          {projectOptions.map((project) => (
            <option key={project} value={project}>
              {project}
            </option>
          ))}
        </select>
      )}
      <div className="document-filter__row document-filter__dates">
        <label className="document-filter__date">
          <span>Added from</span>
          <input
            type="date"
            data-testid="document-filter-from"
            value={filter.addedFrom}
            max={filter.addedTo || undefined}
            onChange={(event) => setDocumentFilter({ addedFrom: event.target.value })}
          />
        </label>
        <label className="document-filter__date">
          <span>Added to</span>
          <input
            type="date"
            data-testid="document-filter-to"
            value={filter.addedTo}
            min={filter.addedFrom || undefined}
            onChange={(event) => setDocumentFilter({ addedTo: event.target.value })}
          />
        </label>
      </div>
      {isFiltering(filter) && (
        <button type="button" className="link-button document-filter__clear" data-testid="document-filter-clear" onClick={clearDocumentFilter}>
          Clear filters
        </button>
      )}
    </div>
  );
}
