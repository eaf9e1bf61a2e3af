/**
 * The Plan page: the space's tasks (made here or by an agent's `tasks` tool) beside its calendar's coming weeks
 * (events added by agents and a user's imported .ics), with the calendar's file import and export.
 */
import { usePlanningStore } from '../../state/planning-store.js';
import { CalendarPanel } from './CalendarPanel.js';
import { TasksPanel } from './TasksPanel.js';
import './planning.css';

export function PlanPage({ hidden }: { hidden: boolean }) {
  return (
    <main className="plan-page" data-testid="plan-page" hidden={hidden}>
      <LoadProblem />
      <TasksPanel />
      <CalendarPanel />
    </main>
  );
}

function LoadProblem() {
  const error = usePlanningStore((state) => state.loadError);
  if (!error) return null;
  return (
    <p className="message__error plan-page__problem" role="alert" data-testid="plan-load-error">
      Could not read this space’s plan: {error.message}
    </p>
  );
}
