/** Beside the question box while the space is prepared for search: questions can be asked, answers wait for it. */
import { usePreparationStore } from '../../state/preparation-store.js';
import { useSpacesStore } from '../../state/spaces-store.js';

export function AnswerWaitNotice() {
  const spaceId = useSpacesStore((state) => state.currentSpaceId);
  const preparation = usePreparationStore((state) => (spaceId ? state.bySpace[spaceId] : undefined));
  if (!preparation || preparation.status === 'failed') return null;
  return (
    <p className="answer-wait" data-testid="answers-wait">
      {preparation.status === 'embedding'
        ? `Answers wait until search is ready (${preparation.done.toLocaleString('en-US')} of ${preparation.total.toLocaleString('en-US')} passages embedded).`
        : 'Answers wait until the new embedding model is loaded and search is ready.'}
    </p>
  );
}
