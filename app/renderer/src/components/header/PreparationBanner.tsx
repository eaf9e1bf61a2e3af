/**
 * While the space on screen is prepared for search (its passages embedded for the embedding model, on first
 * use or after the model was switched), says how far it is and that answers wait for it; if it failed, says
 * why and what to do.
 */
import { retryPreparation } from '../../state/preparation-actions.js';
import { usePreparationStore, type SpacePreparation } from '../../state/preparation-store.js';
import { useSpacesStore } from '../../state/spaces-store.js';

const count = (n: number) => n.toLocaleString('en-US');

export function PreparationBanner() {
  const spaceId = useSpacesStore((state) => state.currentSpaceId);
  const current = usePreparationStore((state) => (spaceId ? state.bySpace[spaceId] : undefined));
  if (!current) return null;
  if (current.status === 'failed') return <PreparationFailed preparation={current} />;
  const what = current.reason === 'new-embedder' ? 'Preparing search for the new embedding model' : 'Preparing search in this space';
  // Until the first batch is in (seconds, for a model on a CPU) the bar moves without a measure rather than sit at 0.
  const percent = current.status === 'embedding' && current.done > 0 ? Math.floor((current.done / current.total) * 100) : undefined;
  return (
    <div className="preparation-banner" data-testid="preparation-banner" data-status={current.status} role="status">
      <div className="preparation-banner__text">
        <span data-testid="preparation-progress">
          {current.status === 'embedding' ? `${what}: ${count(current.done)} of ${count(current.total)} passages` : 'Loading the new embedding model…'}
        </span>
        <span className="preparation-banner__hint">You can keep asking; answers wait until this is done.</span>
      </div>
      <div
        className={percent === undefined ? 'progress progress--waiting' : 'progress'}
        role="progressbar"
        aria-label={what}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
      >
        <div className="progress__fill" style={{ width: `${percent ?? 0}%` }} />
      </div>
    </div>
  );
}

function PreparationFailed({ preparation }: { preparation: Extract<SpacePreparation, { status: 'failed' }> }) {
  const advice =
    preparation.reason === 'new-embedder'
      ? 'Searches and answers in this space fail until it works. Check the embedding model on the Models page, or switch to another one, then try again.'
      : 'Searches and answers in this space fail until it works. Try again; if it fails again, check the embedding model on the Models page.';
  return (
    <div className="preparation-banner preparation-banner--failed" data-testid="preparation-banner" data-status="failed" role="alert">
      <div className="preparation-banner__text">
        <span data-testid="preparation-error">
          Search could not be prepared{preparation.reason === 'new-embedder' ? ' for the new embedding model' : ' in this space'}:{' '}
          <code>{preparation.error.code}</code> {preparation.error.message}
        </span>
        <span className="preparation-banner__hint">{advice}</span>
      </div>
      <button type="button" className="button button--small" data-testid="preparation-retry" onClick={retryPreparation}>
        Try again
      </button>
    </div>
  );
}
