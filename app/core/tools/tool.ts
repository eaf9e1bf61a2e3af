/**
 * What an agent can do in the world: a tool is a name, a description the model reads, a zod schema for its
 * input, and whether it has side effects (a side-effecting tool waits for the user's approval unless the space
 * granted it a standing permission, and is done at most once per run and call key).
 */
import type { z } from 'zod';
import { HearthError } from '../../../schemas/index.js';
import type { Caller } from '../team/index.js';
import type { SpanParent } from '../telemetry/index.js';

export interface ToolContext {
  /** Who the run acts for: the tool reaches only what this caller may (its spaces, its role). */
  readonly caller: Caller;
  /** The space the run is in. */
  readonly spaceId: string;
  /** The agent run (job id) calling the tool. */
  readonly runId: string;
  readonly signal: AbortSignal;
  /**
   * The call's key within the run (the registry sets it): for a tool whose work outlives a cut-short call (a
   * report job) to find what an earlier attempt of the same call started.
   */
  readonly callKey?: string | undefined;
  /** The run's span, so the tool's own work (a retrieval) is traced under its call. */
  readonly span?: SpanParent | undefined;
}

export interface ToolOutcome<O = unknown> {
  /** What goes back to the model and into the step shown to the user: JSON-able, small. */
  output: O;
  /** A line for the step: "created 3 tasks", "12 business days → 2027-03-17". */
  summary: string;
  /** What the call made, for the run's result: tasks, calendar events, artifacts, reports (the run's report is the last). */
  made?: { taskIds?: string[]; eventIds?: string[]; artifactIds?: string[]; reportIds?: string[] };
}

export interface Tool<I = any, O = unknown> {
  /** Letters, digits, `_`: what the model calls it (`date_calc`). */
  readonly name: string;
  /** A few words for the UI ("Create tasks"). */
  readonly title: string;
  /** What it does and when to use it: the model reads this. */
  readonly description: string;
  readonly input: z.ZodType<I>;
  readonly sideEffects: boolean;
  /**
   * For a side-effecting tool with read-only actions (listing tasks, finding free slots): whether this call changes
   * anything. A call that does not is made without asking; without it, every call of the tool counts as `sideEffects`.
   */
  sideEffectsOf?(input: I): boolean;
  run(input: I, ctx: ToolContext): Promise<ToolOutcome<O>>;
}

/** Refuses a call whose caller lacks `role` in the run's space: `what` names what it would read or change ("the tasks"). */
export function requireRole(ctx: ToolContext, role: 'viewer' | 'editor', what: string): void {
  if (!ctx.caller.can(role, ctx.spaceId)) {
    throw new HearthError('FORBIDDEN', `${ctx.caller.name} may not ${role === 'editor' ? 'change' : 'read'} ${what} of this space (needs the ${role} role).`);
  }
}
