/** A clickable [n] that opens its source passage in the citation panel, inline in an answer or in its source list. */
import type { Citation } from '../../../../../schemas/index.js';
import { openCitation } from '../../state/actions.js';
import { useCitationStore } from '../../state/citation-store.js';

interface Props {
  index: number;
  citation: Citation;
  /** `source` also names the document and heading, for the list under an answer. */
  variant?: 'inline' | 'source';
}

export function CitationChip({ index, citation, variant = 'inline' }: Props) {
  const isOpen = useCitationStore((state) => state.open?.citation === citation);
  const where = [citation.documentName, ...citation.headingPath].join(' › ');
  return (
    <button
      type="button"
      className={`citation-chip citation-chip--${variant}`}
      data-testid={variant === 'inline' ? 'citation-chip' : 'citation-source'}
      data-index={index}
      data-document-id={citation.documentId}
      aria-pressed={isOpen}
      aria-label={variant === 'inline' ? `Source ${index}: ${where}` : undefined}
      title={variant === 'inline' ? where : citation.snippet}
      onClick={() => void openCitation(citation, index)}
    >
      <span className="citation-chip__index">{index}</span>
      {variant === 'source' && <span className="citation-chip__where">{where}</span>}
    </button>
  );
}
