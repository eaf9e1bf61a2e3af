/**
 * `tasks`: an agent keeps the space's tasks — creates them (several at once, one depending on another by its
 * title), updates, completes and lists them — as the caller, in the run's space. Every task it makes records
 * the run and call that made it, and a call made again in the same run returns what it made the first time,
 * so a resumed run never creates the same task twice (the registry replays recorded calls too; this covers a
 * crash between the write and the record).
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { HearthError, type PlanningOrigin, type TaskInfo, type TaskInput } from '../../../schemas/index.js';
import type { Tasks } from '../planning/index.js';
import { requireRole, type Tool, type ToolContext, type ToolOutcome } from './tool.js';
import { EntityId, IsoDate, text } from './tool-input.js';

const TaskDraft = z.object({
  title: text(200, 1).describe('What has to be done, as a short imperative ("Send the signed contract to Acme").'),
  notes: text(2000).optional().describe('Details: the clause or passage it comes from, what "done" means.'),
  owner: text(120, 1).optional().describe('Who must do it: a person, a role or a party of the contract.'),
  due: IsoDate.optional().describe('When it is due, YYYY-MM-DD (compute it with date_calc, do not guess).'),
  depends_on: z
    .array(text(200, 1))
    .max(20)
    .optional()
    .describe('Tasks that must be done first: titles of tasks earlier in this same call, or ids of tasks that already exist.'),
});

const TasksInput = z.discriminatedUnion('action', [
  z
    .object({
      action: z.literal('create').describe('Create tasks.'),
      tasks: z.array(TaskDraft).min(1).max(30).describe('The tasks to create, in order; a task may depend on one listed before it.'),
    })
    .describe('Create one or more tasks.'),
  z
    .object({
      action: z.literal('update').describe('Change a task.'),
      task_id: EntityId.describe('The task to change (an id from create or list).'),
      title: text(200, 1).optional().describe('A new title.'),
      notes: text(2000).optional().describe('New notes (replace the old).'),
      owner: text(120, 1).optional().describe('A new owner.'),
      due: IsoDate.optional().describe('A new due date, YYYY-MM-DD.'),
      depends_on: z.array(text(200, 1)).max(20).optional().describe('What it depends on now (ids or exact titles of tasks in the space); replaces the old list.'),
    })
    .describe('Change a task.'),
  z
    .object({
      action: z.literal('complete').describe('Mark a task done.'),
      task_id: EntityId.describe('The task that is done.'),
      done: z.boolean().optional().describe('false to open it again; default true.'),
    })
    .describe('Mark a task done (or open again).'),
  z
    .object({
      action: z.literal('list').describe('List tasks.'),
      status: z.enum(['open', 'done']).optional().describe('Only open or only done tasks; default all.'),
      owner: text(120, 1).optional().describe('Only the tasks of this owner.'),
    })
    .describe('List the space’s tasks.'),
]);
type TasksInput = z.infer<typeof TasksInput>;

/** A task as the model sees it: small, with the ids it needs for the next call. */
interface TaskLine {
  id: string;
  title: string;
  status: 'open' | 'done';
  owner?: string;
  due?: string;
  depends_on: string[];
}

export function tasksTool(tasks: Tasks): Tool<TasksInput, { tasks: TaskLine[] }> {
  return {
    name: 'tasks',
    title: 'Keep tasks',
    description:
      'The space’s task list, shown to the user in the Tasks panel. action "create" adds tasks (each with an owner, a due date and what it depends on — by the title of another task in the same call, or an existing id); "update" changes one; "complete" marks one done; "list" shows them with their ids.',
    input: TasksInput,
    sideEffects: true,
    sideEffectsOf: (input) => input.action !== 'list',
    async run(input, ctx) {
      switch (input.action) {
        case 'create':
          return create(tasks, input.tasks, ctx, originOf(ctx, input));
        case 'update': {
          requireRole(ctx, 'editor', 'the tasks');
          const task = taskInSpace(tasks, input.task_id, ctx);
          const dependsOn = input.depends_on && resolveReferences(tasks, ctx.spaceId, input.depends_on, task.title);
          const updated = tasks.update(task.id, {
            ...(input.title !== undefined ? { title: input.title } : {}),
            ...(input.notes !== undefined ? { notes: input.notes } : {}),
            ...(input.owner !== undefined ? { owner: input.owner } : {}),
            ...(input.due !== undefined ? { due: input.due } : {}),
            ...(dependsOn ? { dependsOn } : {}),
          });
          return { output: { tasks: [lineOf(updated)] }, summary: `updated "${updated.title}"`, made: { taskIds: [updated.id] } };
        }
        case 'complete': {
          requireRole(ctx, 'editor', 'the tasks');
          const task = tasks.complete(taskInSpace(tasks, input.task_id, ctx).id, input.done ?? true);
          return { output: { tasks: [lineOf(task)] }, summary: `${task.status === 'done' ? 'completed' : 'reopened'} "${task.title}"`, made: { taskIds: [task.id] } };
        }
        case 'list': {
          requireRole(ctx, 'viewer', 'the tasks');
          const found = tasks.list(ctx.spaceId, { ...(input.status ? { status: input.status } : {}), ...(input.owner ? { owner: input.owner } : {}) });
          return { output: { tasks: found.map(lineOf) }, summary: `${found.length} task${found.length === 1 ? '' : 's'}` };
        }
      }
    },
  };
}

function create(tasks: Tasks, drafts: z.infer<typeof TaskDraft>[], ctx: ToolContext, origin: PlanningOrigin): ToolOutcome<{ tasks: TaskLine[] }> {
  requireRole(ctx, 'editor', 'the tasks');
  const already = tasks.madeBy(origin);
  if (already.length > 0) {
    return { output: { tasks: already.map(lineOf) }, summary: `${already.length} task${already.length === 1 ? '' : 's'} already created by this call`, made: { taskIds: already.map((task) => task.id) } };
  }
  // A dependency on a task of the same call is by its title; the store takes those as `#index`.
  const byTitle = new Map(drafts.map((draft, index) => [draft.title.trim().toLowerCase(), index]));
  const inputs: TaskInput[] = drafts.map((draft, index) => ({
    title: draft.title,
    ...(draft.notes !== undefined ? { notes: draft.notes } : {}),
    ...(draft.owner !== undefined ? { owner: draft.owner } : {}),
    ...(draft.due !== undefined ? { due: draft.due } : {}),
    dependsOn: (draft.depends_on ?? []).map((reference) => {
      const earlier = byTitle.get(reference.trim().toLowerCase());
      if (earlier !== undefined && earlier !== index) return `#${earlier}`;
      return resolveReferences(tasks, ctx.spaceId, [reference], draft.title)[0]!;
    }),
  }));
  const made = tasks.createMany(ctx.spaceId, inputs, origin);
  return { output: { tasks: made.map(lineOf) }, summary: `created ${made.length} task${made.length === 1 ? '' : 's'}`, made: { taskIds: made.map((task) => task.id) } };
}

/** Ids or exact titles of the space's tasks, as ids; a title two tasks share, or one no task has, is named. */
function resolveReferences(tasks: Tasks, spaceId: string, references: string[], forTask: string): string[] {
  const all = tasks.list(spaceId);
  return references.map((reference) => {
    if (all.some((task) => task.id === reference)) return reference;
    const titled = all.filter((task) => task.title.toLowerCase() === reference.trim().toLowerCase());
    if (titled.length === 1) return titled[0]!.id;
    if (titled.length > 1) throw new HearthError('BAD_REQUEST', `"${forTask}" depends on "${reference}", a title ${titled.length} tasks have; use the id (${titled.map((task) => task.id).join(', ')}).`);
    throw new HearthError('BAD_REQUEST', `"${forTask}" depends on "${reference}", which is neither a task of this call nor a task of the space (by id or title). List the tasks to see their ids.`);
  });
}

function taskInSpace(tasks: Tasks, taskId: string, ctx: ToolContext): TaskInfo {
  const task = tasks.find(taskId);
  // A task of another space is not this run's to see: it is reported as missing, not as forbidden.
  if (!task || task.spaceId !== ctx.spaceId) throw new HearthError('NOT_FOUND', `There is no task ${taskId} in this space. List the tasks to see their ids.`, { taskId });
  return task;
}

function lineOf(task: TaskInfo): TaskLine {
  return {
    id: task.id,
    title: task.title,
    status: task.status,
    ...(task.owner !== undefined ? { owner: task.owner } : {}),
    ...(task.due !== undefined ? { due: task.due } : {}),
    depends_on: task.dependsOn,
  };
}

/**
 * The run and call a write belongs to. The tool context carries the run, and the call key when the registry
 * passes one; without it the call is keyed by its input, which is the same when a resumed run makes it again.
 */
export function originOf(ctx: ToolContext, input: unknown): PlanningOrigin {
  const given = (ctx as ToolContext & { callKey?: unknown }).callKey;
  if (typeof given === 'string' && given.length > 0) return { runId: ctx.runId, callKey: given };
  return { runId: ctx.runId, callKey: `input:${createHash('sha256').update(JSON.stringify(input)).digest('hex').slice(0, 32)}` };
}
