/** What is wrong in models.toml, line by line; the entries around a wrong one still load. */
import { useModelsStore } from '../../state/models-store.js';
import { lastPathSegment } from './display-text.js';

export function LibraryProblems() {
  const problems = useModelsStore((state) => state.library?.problems);
  const file = useModelsStore((state) => state.library?.file);
  const loadError = useModelsStore((state) => state.loadError);
  const name = file ? lastPathSegment(file) : 'models.toml';
  if (!loadError && (!problems || problems.length === 0)) return null;
  return (
    <section className="library-problems" role="alert" aria-label={`Problems in ${name}`}>
      {loadError && (
        <p className="library-problem" data-testid="library-load-error">
          <code>{loadError.code}</code> {loadError.message}
        </p>
      )}
      {problems && problems.length > 0 && (
        <ul className="library-problems__list">
          {problems.map((problem, position) => (
            <li key={position} className="library-problem" data-testid="library-problem" data-line={problem.line}>
              {name} line {problem.line}: {problem.message}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

