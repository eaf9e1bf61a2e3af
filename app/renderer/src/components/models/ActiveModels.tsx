/** What answers use right now, per kind, and the device local models run on once it is known. */
import type { ModelKindName } from '../../../../../schemas/index.js';
import { useModelsStore } from '../../state/models-store.js';

/** The `embed` value that means no embedding model is installed and the built-in hash embedder answers. */
const HASH_EMBEDDER = 'hash';

export function ActiveModels() {
  const active = useModelsStore((state) => state.library?.active);
  const device = useModelsStore((state) => state.library?.device ?? null);
  if (!active) return null;
  return (
    <section className="side-card" aria-labelledby="in-use-title" data-testid="models-in-use">
      <h3 id="in-use-title" className="side-card__title">
        In use
      </h3>
      <dl className="in-use">
        <dt>Language model</dt>
        <dd data-testid="active-llm">
          {active.llm ?? <span className="in-use__none">none — answers quote passages</span>}
          <Unavailable kind="llm" consequence="answers quote passages until it opens" />
        </dd>
        <dt>Embeddings</dt>
        <dd data-testid="active-embed">
          {active.embed === HASH_EMBEDDER ? (
            <span className="in-use__notice" data-testid="embedder-notice">
              built-in hash embedder — no embedding model installed
            </span>
          ) : (
            active.embed
          )}
          <Unavailable kind="embed" consequence="searches and new files fail until it opens" />
        </dd>
        <dt>Reranker</dt>
        <dd data-testid="active-rerank">
          {active.rerank ?? <span className="in-use__none">none</span>}
          <Unavailable kind="rerank" consequence="reranking is off" />
        </dd>
        {device && (
          <>
            <dt>Device</dt>
            <dd data-testid="active-device">{device}</dd>
          </>
        )}
      </dl>
    </section>
  );
}

/** An active model that could not be opened: why, what that means, and how to try again. */
function Unavailable({ kind, consequence }: { kind: ModelKindName; consequence: string }) {
  const problem = useModelsStore((state) => state.library?.unavailable.find((entry) => entry.kind === kind));
  if (!problem) return null;
  return (
    <p className="in-use__problem" role="alert" data-testid={`unavailable-${kind}`}>
      {problem.alias} could not be opened, so {consequence}: {problem.message} Check it below to try again.
    </p>
  );
}
