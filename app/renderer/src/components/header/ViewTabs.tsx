/** Switches the window between the documents and chat, the Reports page, the Plan page (tasks and calendar), and the Models page. */
import { showView } from '../../state/model-actions.js';
import { useViewStore, type View } from '../../state/view-store.js';

const TABS: ReadonlyArray<{ view: View; label: string }> = [
  { view: 'documents', label: 'Documents' },
  { view: 'reports', label: 'Reports' },
  { view: 'plan', label: 'Plan' },
  { view: 'models', label: 'Models' },
];

export function ViewTabs() {
  const current = useViewStore((state) => state.view);
  return (
    <nav className="view-tabs" aria-label="Pages">
      {TABS.map(({ view, label }) => (
        <button
          key={view}
          type="button"
          className={view === current ? 'view-tab view-tab--current' : 'view-tab'}
          data-testid={`${view}-tab`}
          aria-current={view === current ? 'page' : undefined}
          onClick={() => showView(view)}
        >
          {label}
        </button>
      ))}
    </nav>
  );
}
