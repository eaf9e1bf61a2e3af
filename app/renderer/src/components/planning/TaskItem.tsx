/** One task: a done toggle, its title and notes, owner, due date (overdue marked), what it depends on, and the agent run that made it. */
import type { TaskInfo } from '../../../../../schemas/index.js';
import { localDate, setTaskDone } from '../../state/planning-actions.js';
import { usePlanningStore } from '../../state/planning-store.js';

export function TaskItem({ task, titleOf, readOnly = false }: { task: TaskInfo; titleOf: (taskId: string) => string | undefined; readOnly?: boolean }) {
  const work = usePlanningStore((state) => state.taskWork[task.id]);
  const done = task.status === 'done';
  const overdue = !done && task.due !== undefined && task.due < localDate(new Date());
  return (
    <li className={done ? 'task task--done' : 'task'} data-testid="task-item" data-task-id={task.id}>
      <input
        type="checkbox"
        className="task__done"
        aria-label={done ? `Open “${task.title}” again` : `Mark “${task.title}” done`}
        data-testid="task-done"
        checked={done}
        disabled={readOnly || work?.status === 'working'}
        onChange={(event) => void setTaskDone(task.id, event.target.checked)}
      />
      <div className="task__body">
        <span className="task__title" data-testid="task-title">
          {task.title}
        </span>
        <span className="task__meta">
          {task.owner && <span data-testid="task-owner">{task.owner}</span>}
          {task.due && (
            <span className={overdue ? 'task__due task__due--overdue' : 'task__due'} data-testid="task-due">
              due {formatDay(task.due)}
              {overdue && ' · overdue'}
            </span>
          )}
          {task.origin && (
            <span className="task__origin" title={`Made by agent run ${task.origin.runId} (call ${task.origin.callKey})`} data-testid="task-origin">
              by agent run {task.origin.runId.slice(0, 8)}
            </span>
          )}
        </span>
        {task.dependsOn.length > 0 && (
          <span className="task__depends" data-testid="task-depends">
            after {task.dependsOn.map((id) => `“${titleOf(id) ?? id}”`).join(', ')}
          </span>
        )}
        {task.notes && <span className="task__notes">{task.notes}</span>}
        {work?.status === 'failed' && (
          <span className="message__error" role="alert">
            {work.error.message}
          </span>
        )}
      </div>
    </li>
  );
}

/** A calendar date as the window's language writes it, without moving it to another day. */
export function formatDay(date: string): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return new Date(year, month - 1, day).toLocaleDateString(undefined, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' });
}
