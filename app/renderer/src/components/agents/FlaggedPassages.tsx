/**
 * Passages the Guard flagged because they read like instructions ("ignore previous instructions", "send this
 * to…"): the model was given them as quoted data only; the user sees which, and why.
 */
import { openCitation } from '../../state/actions.js';
import type { FlaggedPassage } from '../../state/agent-run.js';

export function FlaggedPassages({ flagged }: { flagged: readonly FlaggedPassage[] }) {
  if (flagged.length === 0) return null;
  return (
    <section className="flagged" data-testid="flagged-passages">
      <h4 className="flagged__title">
        {flagged.length === 1 ? 'A passage reads' : `${flagged.length} passages read`} like instructions; treated as quoted text only
      </h4>
      <ul className="flagged__list">
        {flagged.map(({ citation, reasons }, position) => (
          <li key={position} data-testid="flagged-passage" data-document-id={citation.documentId}>
            <button type="button" className="link-button" onClick={() => void openCitation(citation, position + 1)}>
              {[citation.documentName, ...citation.headingPath].join(' › ')}
            </button>
            <span className="flagged__reasons muted"> — {reasons.join('; ')}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
