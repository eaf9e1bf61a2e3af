/** "Only the N filtered documents": shown while the library filter narrows the list, it keeps questions to those documents. */
import { useShallow } from 'zustand/react/shallow';
import { setOnlyFiltered } from '../../state/actions.js';
import { useChatStore } from '../../state/chat-store.js';
import { askScopeOf, useLibraryStore } from '../../state/library-store.js';

export function AskScope() {
  const scope = useLibraryStore(
    useShallow((state) => {
      const { kind, ...rest } = askScopeOf(state);
      return { kind, count: 'count' in rest ? rest.count : 0 };
    }),
  );
  const onlyFiltered = useChatStore((state) => state.onlyFiltered);
  if (scope.kind === 'all') return null;
  const inexpressible = scope.kind === 'inexpressible';
  return (
    <div className="ask-scope">
      <label className="ask-scope__toggle">
        <input type="checkbox" data-testid="ask-only-filtered" checked={onlyFiltered} onChange={(event) => setOnlyFiltered(event.target.checked)} />
        Only the {scope.count} filtered {scope.count === 1 ? 'document' : 'documents'}
      </label>
      {onlyFiltered && inexpressible && (
        <span className="ask-scope__problem" role="alert">
          Too many documents to narrow by name: clear the name filter or narrow the list further.
        </span>
      )}
    </div>
  );
}
