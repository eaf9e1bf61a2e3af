/**
 * Tasks as a space keeps them, in a real SQLite database in a temp folder: made with owners, due dates and
 * dependencies, changed, completed and listed; dependencies that point nowhere, into another space or round in
 * a cycle are refused with the tasks named, and nothing stored changes.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { Tasks } from '../../../app/core/planning/index.js';
import { refusal, usePlanningStore } from '../../fixtures/planning-store.js';

const store = usePlanningStore();
let tasks: Tasks;
let spaceId: string;
let otherSpaceId: string;
beforeEach(() => ({ tasks, spaceId, otherSpaceId } = store));

describe('tasks', () => {
  it('keeps a task with its owner, due date, dependencies and the run that made it', () => {
    const sign = tasks.create(spaceId, { title: 'Sign the contract', owner: 'Ana', due: '2027-03-01' });
    const deliver = tasks.create(spaceId, { title: 'Deliver phase 1', owner: 'Acme', due: '2027-04-15', dependsOn: [sign.id], notes: '§4.2' }, { runId: 'run-1', callKey: '3:call-a' });
    expect(tasks.get(deliver.id)).toMatchObject({
      spaceId,
      title: 'Deliver phase 1',
      notes: '§4.2',
      owner: 'Acme',
      due: '2027-04-15',
      status: 'open',
      dependsOn: [sign.id],
      origin: { runId: 'run-1', callKey: '3:call-a' },
    });
    expect(tasks.spaceOf(deliver.id)).toBe(spaceId);
    expect(tasks.madeBy({ runId: 'run-1', callKey: '3:call-a' }).map((task) => task.id)).toEqual([deliver.id]);
  });

  it('creates several at once, later ones depending on earlier ones of the same call', () => {
    const made = tasks.createMany(spaceId, [{ title: 'Draft' }, { title: 'Review', dependsOn: ['#0'] }, { title: 'Publish', dependsOn: ['#0', '#1'] }]);
    expect(made.map((task) => task.dependsOn)).toEqual([[], [made[0]!.id], [made[0]!.id, made[1]!.id]]);
  });

  it('updates, completes, reopens and lists open before done, by due date', () => {
    const late = tasks.create(spaceId, { title: 'Late', due: '2027-06-01' });
    const soon = tasks.create(spaceId, { title: 'Soon', due: '2027-02-01' });
    const undated = tasks.create(spaceId, { title: 'Someday' });
    tasks.update(late.id, { owner: 'Boris', due: null, title: 'Later' });
    expect(tasks.get(late.id)).toMatchObject({ title: 'Later', owner: 'Boris' });
    expect(tasks.get(late.id).due).toBeUndefined();
    const done = tasks.complete(soon.id);
    expect(done.status).toBe('done');
    expect(done.completedAt).toBeDefined();
    expect(tasks.list(spaceId).map((task) => task.title)).toEqual(['Later', 'Someday', 'Soon']);
    expect(tasks.list(spaceId, { status: 'open', owner: 'boris' }).map((task) => task.id)).toEqual([late.id]);
    expect(tasks.complete(soon.id, false).status).toBe('open');
    expect(tasks.get(soon.id).completedAt).toBeUndefined();
    expect(tasks.list(otherSpaceId)).toEqual([]);
    expect(undated.dependsOn).toEqual([]);
  });

  it('refuses a dependency on a task that does not exist, naming it', () => {
    const error = refusal(() => tasks.create(spaceId, { title: 'Pay', dependsOn: ['no-such-task'] }));
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.message).toMatch(/"Pay" depends on no-such-task, which is not a task/);
    expect(tasks.list(spaceId)).toEqual([]);
  });

  it('refuses a dependency on a task of another space', () => {
    const foreign = tasks.create(otherSpaceId, { title: 'Foreign' });
    const error = refusal(() => tasks.create(spaceId, { title: 'Local', dependsOn: [foreign.id] }));
    expect(error.message).toMatch(/"Local" depends on "Foreign", which is in another space/);
    expect(tasks.list(spaceId)).toEqual([]);
  });

  it('refuses a cycle, naming the path, and keeps what the task depended on', () => {
    const a = tasks.create(spaceId, { title: 'A' });
    const b = tasks.create(spaceId, { title: 'B', dependsOn: [a.id] });
    const c = tasks.create(spaceId, { title: 'C', dependsOn: [b.id] });
    const error = refusal(() => tasks.update(a.id, { dependsOn: [c.id], title: 'A renamed' }));
    expect(error.message).toBe('Task "A" cannot depend on "C": that would make a cycle ("A" → "C" → "B" → "A").');
    expect(tasks.get(a.id)).toMatchObject({ title: 'A', dependsOn: [] });
    expect(refusal(() => tasks.update(a.id, { dependsOn: [a.id] })).message).toMatch(/cannot depend on itself/);
  });

  it('names a due date that is not a date, and an empty title', () => {
    expect(refusal(() => tasks.create(spaceId, { title: 'Pay', due: '2027-02-31' })).message).toMatch(/due date of task "Pay" is "2027-02-31", not a date/);
    expect(refusal(() => tasks.create(spaceId, { title: '   ' })).message).toMatch(/title of task 1 is empty/);
    expect(refusal(() => tasks.update('missing', { title: 'x' })).code).toBe('NOT_FOUND');
  });
});
