/** Adding a task by hand: a title, and optionally an owner, a due date and tasks it waits for. */
import { useState, type FormEvent } from 'react';
import { addTask, dismissTaskError } from '../../state/planning-actions.js';
import { usePlanningStore } from '../../state/planning-store.js';

export function NewTaskForm() {
  const [title, setTitle] = useState('');
  const [owner, setOwner] = useState('');
  const [due, setDue] = useState('');
  const [dependsOn, setDependsOn] = useState<string[]>([]);
  const work = usePlanningStore((state) => state.newTask);
  const tasks = usePlanningStore((state) => state.tasks);
  const spaceId = usePlanningStore((state) => state.spaceId);
  const canAdd = spaceId !== null && title.trim() !== '' && work?.status !== 'working';

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!canAdd) return;
    const added = await addTask({ title: title.trim(), ...(owner.trim() ? { owner: owner.trim() } : {}), ...(due ? { due } : {}), ...(dependsOn.length > 0 ? { dependsOn } : {}) });
    if (added) {
      setTitle('');
      setOwner('');
      setDue('');
      setDependsOn([]);
    }
  };

  return (
    <form className="task-form" onSubmit={(event) => void submit(event)} aria-label="New task">
      <input
        type="text"
        data-testid="task-form-title"
        placeholder="A new task…"
        maxLength={300}
        value={title}
        onChange={(event) => {
          setTitle(event.target.value);
          if (work?.status === 'failed') dismissTaskError();
        }}
      />
      <div className="task-form__row">
        <input type="text" aria-label="Owner" data-testid="task-form-owner" placeholder="Owner" maxLength={120} value={owner} onChange={(event) => setOwner(event.target.value)} />
        <input type="date" aria-label="Due date" data-testid="task-form-due" value={due} onChange={(event) => setDue(event.target.value)} />
        <button type="submit" className="button button--primary" data-testid="task-form-add" disabled={!canAdd}>
          {work?.status === 'working' ? 'Adding…' : 'Add'}
        </button>
      </div>
      {tasks.length > 0 && (
        <select
          multiple
          aria-label="Depends on"
          className="task-form__depends"
          data-testid="task-form-depends"
          value={dependsOn}
          onChange={(event) => setDependsOn([...event.target.selectedOptions].map((option) => option.value))}
        >
          {tasks
            .filter((task) => task.status === 'open')
            .map((task) => (
              <option key={task.id} value={task.id}>
                after: {task.title}
              </option>
            ))}
        </select>
      )}
      {work?.status === 'failed' && (
        <p className="message__error" role="alert" data-testid="task-form-error">
          {work.error.message}
        </p>
      )}
    </form>
  );
}
