/** The library's entries in three groups: language models, embedding models and rerankers. */
import type { ModelKindName } from '../../../../../schemas/index.js';
import { useShallow } from 'zustand/react/shallow';
import { useModelsStore } from '../../state/models-store.js';
import { ModelEntryCard } from './ModelEntryCard.js';

const GROUPS: ReadonlyArray<{ kind: ModelKindName; title: string; empty: string }> = [
  { kind: 'llm', title: 'LLM', empty: 'No language model — answers quote the best matching passages.' },
  { kind: 'embed', title: 'Embeddings', empty: 'No embedding model — the built-in hash embedder is used.' },
  { kind: 'rerank', title: 'Reranker', empty: 'No reranker — search results are not re-scored by a model.' },
];

export function ModelGroups() {
  const loaded = useModelsStore((state) => state.library !== null);
  if (!loaded) return <p className="muted">Reading the model library…</p>;
  return (
    <>
      {GROUPS.map((group) => (
        <ModelGroup key={group.kind} {...group} />
      ))}
    </>
  );
}

function ModelGroup({ kind, title, empty }: { kind: ModelKindName; title: string; empty: string }) {
  const entries = useModelsStore(useShallow((state) => state.library?.entries.filter((entry) => entry.kind === kind) ?? []));
  return (
    <section className="model-group" data-testid="model-group" data-kind={kind} aria-labelledby={`model-group-${kind}`}>
      <h3 id={`model-group-${kind}`} className="model-group__title">
        {title} <span className="count">{entries.length}</span>
      </h3>
      {entries.length === 0 ? (
        <p className="muted model-group__empty">{empty}</p>
      ) : (
        <ul className="model-group__list">
          {entries.map((entry) => (
            <ModelEntryCard key={entry.alias} entry={entry} />
          ))}
        </ul>
      )}
    </section>
  );
}
