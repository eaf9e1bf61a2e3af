/** Narrows the document list by name and by format; the list itself stays whole in the store. */
import type { DocumentFormat } from '../../../../../schemas/index.js';
import { setDocumentFilter } from '../../state/actions.js';
import { useLibraryStore } from '../../state/library-store.js';
import { FILTER_FORMATS, FORMAT_LABELS } from './document-formats.js';

export function DocumentFilter() {
  const filter = useLibraryStore((state) => state.filter);
  return (
    <div className="document-filter" role="search">
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
  );
}
