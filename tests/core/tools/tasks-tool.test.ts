/**
 * The `tasks` tool as an agent calls it, on a real database: a plan's tasks created in one call with their
 * dependencies named by title, the call made again by a resumed run returning the same tasks (not copies),
 * updates, completion and listing; and what it refuses — a viewer's writes, another space's task, an input the
 * model got wrong — with a message the model can act on. Every field of its input is described for the model.
 */
import { z } from 'zod';
import { beforeEach, describe, expect, it } from 'vitest';
import { Tasks } from '../../../app/core/planning/index.js';
import { Caller, localOwner } from '../../../app/core/team/index.js';
import { tasksTool } from '../../../app/core/tools/tasks-tool.js';
import type { ToolContext } from '../../../app/core/tools/tool.js';
import { HearthError } from '../../../schemas/index.js';
import { undescribed } from '../../fixtures/json-schema-descriptions.js';
import { usePlanningStore } from '../../fixtures/planning-store.js';

const store = usePlanningStore();
let tasks: Tasks;
let spaceId: string;
let otherSpaceId: string;
beforeEach(() => ({ tasks, spaceId, otherSpaceId } = store));

const context = (over: Partial<ToolContext> = {}): ToolContext => ({ caller: localOwner, spaceId, runId: 'run-1', signal: new AbortController().signal, ...over });

async function failure(work: Promise<unknown>): Promise<HearthError> {
  try {
    await work;
  } catch (error) {
    if (error instanceof HearthError) return error;
    throw error;
  }
  throw new Error('expected a failure');
}

const plan = {
  action: 'create' as const,
  tasks: [
    { title: 'Sign the contract', owner: 'Ana', due: '2027-03-01' },
    { title: 'Deliver phase 1', owner: 'Acme', due: '2027-04-15', depends_on: ['Sign the contract'] },
    { title: 'Pay the first invoice', owner: 'Finance', due: '2027-05-15', depends_on: ['deliver phase 1', 'Sign the contract'], notes: '§6.1: 30 days after delivery' },
  ],
};

describe('the tasks tool', () => {
  it('creates a plan’s tasks in one call, dependencies by title, each knowing the run that made it', async () => {
    const tool = tasksTool(tasks);
    const outcome = await tool.run(tool.input.parse(plan), context());
    const [sign, deliver, pay] = outcome.output.tasks;
    expect(outcome.summary).toBe('created 3 tasks');
    expect(outcome.made?.taskIds).toEqual([sign!.id, deliver!.id, pay!.id]);
    expect(pay).toEqual({ id: pay!.id, title: 'Pay the first invoice', status: 'open', owner: 'Finance', due: '2027-05-15', depends_on: [deliver!.id, sign!.id] });
    expect(tasks.get(deliver!.id).origin?.runId).toBe('run-1');
    expect(tasks.list(spaceId)).toHaveLength(3);
  });

  it('returns what it made when a resumed run makes the same call again, and makes new tasks for another run', async () => {
    const tool = tasksTool(tasks);
    const first = await tool.run(tool.input.parse(plan), context());
    const again = await tool.run(tool.input.parse(plan), context());
    expect(again.output.tasks.map((task) => task.id)).toEqual(first.output.tasks.map((task) => task.id));
    expect(again.summary).toBe('3 tasks already created by this call');
    expect(tasks.list(spaceId)).toHaveLength(3);

    const keyed = await tool.run(tool.input.parse(plan), { ...context({ runId: 'run-2' }), callKey: 'step-2:call-1' } as ToolContext);
    expect(tasks.get(keyed.output.tasks[0]!.id).origin).toEqual({ runId: 'run-2', callKey: 'step-2:call-1' });
    expect(tasks.list(spaceId)).toHaveLength(6);
  });

  it('updates, completes and lists tasks by id', async () => {
    const tool = tasksTool(tasks);
    const [sign, deliver] = (await tool.run(tool.input.parse(plan), context())).output.tasks;
    const updated = await tool.run(tool.input.parse({ action: 'update', task_id: deliver!.id, due: '2027-04-30', owner: 'Acme GmbH' }), context());
    expect(updated.output.tasks[0]).toMatchObject({ due: '2027-04-30', owner: 'Acme GmbH', depends_on: [sign!.id] });
    const done = await tool.run(tool.input.parse({ action: 'complete', task_id: sign!.id }), context());
    expect(done.summary).toBe('completed "Sign the contract"');
    const open = await tool.run(tool.input.parse({ action: 'list', status: 'open' }), context());
    expect(open.output.tasks.map((task) => task.title)).toEqual(['Deliver phase 1', 'Pay the first invoice']);
    expect(open.summary).toBe('2 tasks');
  });

  it('refuses what the model got wrong with a message it can act on, storing nothing', async () => {
    const tool = tasksTool(tasks);
    const unknown = await failure(tool.run(tool.input.parse({ action: 'create', tasks: [{ title: 'Pay', depends_on: ['Deliver'] }] }), context()));
    expect(unknown.message).toBe('"Pay" depends on "Deliver", which is neither a task of this call nor a task of the space (by id or title). List the tasks to see their ids.');
    const cycle = await failure(tool.run(tool.input.parse({ action: 'create', tasks: [{ title: 'A', depends_on: ['B'] }, { title: 'B', depends_on: ['A'] }] }), context()));
    expect(cycle.message).toMatch(/that would make a cycle/);
    expect(tasks.list(spaceId)).toEqual([]);

    const parsed = tool.input.safeParse({ action: 'create', tasks: [{ title: 'Pay', due: 'next Friday' }] });
    expect(parsed.success).toBe(false);
    expect(tool.input.safeParse({ action: 'delete', task_id: 'x' }).success).toBe(false);
  });

  it('keeps to the run’s space and the caller’s role', async () => {
    const tool = tasksTool(tasks);
    const foreign = tasks.create(otherSpaceId, { title: 'Not yours' });
    expect((await failure(tool.run(tool.input.parse({ action: 'complete', task_id: foreign.id }), context()))).code).toBe('NOT_FOUND');
    expect(tasks.get(foreign.id).status).toBe('open');
    const viewer = new Caller({ id: 'v', kind: 'user', name: 'Vera', serverRole: 'member', spaces: { [spaceId]: 'viewer' } });
    const refused = await failure(tool.run(tool.input.parse(plan), context({ caller: viewer })));
    expect(refused).toMatchObject({ code: 'FORBIDDEN', message: 'Vera may not change the tasks of this space (needs the editor role).' });
    expect((await tool.run(tool.input.parse({ action: 'list' }), context({ caller: viewer }))).output.tasks).toEqual([]);
  });

  it('describes every field of its input to the model', () => {
    expect(undescribed(z.toJSONSchema(tasksTool(tasks).input, { io: 'input' }))).toEqual([]);
  });
});
