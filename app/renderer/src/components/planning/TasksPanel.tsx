/** The space's tasks: open ones first, by due date; each with its owner, due date, what it waits for, and who made it. */
import { usePlanningStore } from '../../state/planning-store.js';
import { NewTaskForm } from './NewTaskForm.js';
import { useReadOnlySpace } from '../team/read-only.js';
import { TaskItem } from './TaskItem.js';

export function TasksPanel() {
  const tasks = usePlanningStore((state) => state.tasks);
  const loading = usePlanningStore((state) => state.loading);
  const readOnly = useReadOnlySpace(); // adding or ticking off a task needs the editor role
  const open = tasks.filter((task) => task.status === 'open').length;
  return (
    <section className="column plan-panel" aria-labelledby="tasks-title" data-testid="tasks-panel">
      <h2 id="tasks-title" className="column__title">
        Tasks <span className="count">{open} open</span>
      </h2>
      {readOnly ? (
        <p className="muted" data-testid="read-only-hint">
          You can read this space’s plan; ask its owner for the editor role to change it.
        </p>
      ) : (
        <NewTaskForm />
      )}
      {loading && <p className="muted">Reading the tasks…</p>}
      {!loading && tasks.length === 0 && <p className="muted">No tasks yet. Add one here, or ask the planner (/plan) to make them from your documents.</p>}
      <ul className="task-list">
        {tasks.map((task) => (
          <TaskItem key={task.id} task={task} readOnly={readOnly} titleOf={(id) => tasks.find((candidate) => candidate.id === id)?.title} />
        ))}
      </ul>
    </section>
  );
}
