/** Shows a failure that belongs to no single file or message, until the user dismisses it. */
import { dismissProblem } from '../../state/actions.js';
import { useAppStore } from '../../state/app-store.js';

export function ProblemBanner() {
  const problem = useAppStore((state) => state.problem);
  if (!problem) return null;
  return (
    <div className="problem-banner" role="alert">
      <span>{problem}</span>
      <button type="button" className="button button--quiet" onClick={dismissProblem}>
        Dismiss
      </button>
    </div>
  );
}
