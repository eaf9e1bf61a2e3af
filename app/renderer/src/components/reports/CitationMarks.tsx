/** The passages a claim, point or row rests on, as the same [n] chips answers use; each opens its passage in the citation panel. */
import type { Evidence } from '../../../../../schemas/index.js';
import { CitationChip } from '../chat/CitationChip.js';

export function CitationMarks({ numbers, evidence }: { numbers: readonly number[] | undefined; evidence: readonly Evidence[] }) {
  if (!numbers || numbers.length === 0) return null;
  return (
    <span className="report-citations">
      {numbers.map((number, position) => {
        const passage = evidence.find((candidate) => candidate.number === number);
        // Validation rejects a number outside the evidence; a stored report that still has one says so rather than hiding it.
        return passage ? (
          <CitationChip key={position} index={number} citation={passage.citation} />
        ) : (
          <span key={position} className="report-citations__missing" title="Not one of the passages retrieved for this report">
            [{number}]
          </span>
        );
      })}
    </span>
  );
}
