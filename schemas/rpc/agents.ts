/**
 * Agents: a request in a conversation is routed to one of Hearth's agents (RAG, Planner, Report), which works
 * it out in steps a user can watch — searching, reading, calculating dates, creating tasks and calendar
 * entries, drafting reports — and stops to ask before anything with a side effect. A run is a job (kind
 * `agent`): its progress events are the run's story, journalled, so a window opened later (or after a
 * restart) replays it with `jobs.watch` from 0. A run waiting for an approval, an input or a "go on?" is in
 * the job state `waiting` until someone answers with `agents.answer`.
 */
import { z } from 'zod';
// AgentName and ClaimVerdict live in the domain, since a conversation's messages carry them.
import { AgentName, Citation, ClaimVerdict, Id } from '../domain.js';
import { jobKind } from './job-spec.js';
import { SearchFilter } from './search.js';
import { call, inSpace } from './spec.js';

export { AgentName, ClaimVerdict };

export const AgentInfo = z.object({
  name: AgentName,
  /** What it is called in the UI: "Research", "Planner", "Report writer". */
  title: z.string(),
  /** What it does, in a user's words; the router's similarity fallback compares requests with it. */
  description: z.string(),
  /** The slash command that picks it (`/ask`, `/plan`, `/report`). */
  command: z.string(),
});
export type AgentInfo = z.infer<typeof AgentInfo>;

/** How the router chose the agent: a rule (a command, a mention, an attachment), a classifier, or the user. */
export const RouteMethod = z.enum(['command', 'mention', 'attachment', 'llm', 'similarity', 'user', 'default']);
export type RouteMethod = z.infer<typeof RouteMethod>;

export const RouteDecision = z.object({
  agent: AgentName,
  /** One line: why this agent ("the request starts with /plan", "asks for dates and owners"). */
  reason: z.string(),
  method: RouteMethod,
  /** For the report agent: the template it will use. */
  templateId: Id.optional(),
  /** Every agent's score, for the similarity classifier (so the UI can show how close the others were). */
  scores: z.record(z.string(), z.number()).optional(),
});
export type RouteDecision = z.infer<typeof RouteDecision>;

/** A step of a plan, as the planner wrote it. */
export const PlanStep = z.object({
  id: z.string(),
  title: z.string(),
  status: z.enum(['pending', 'running', 'done', 'failed', 'skipped']),
});
export type PlanStep = z.infer<typeof PlanStep>;

/** A side effect waiting for the user: the tool, what it would be called with, and why the agent wants it. */
export const ApprovalRequest = z.object({
  approvalId: Id,
  tool: z.string(),
  /** What the tool does, in a user's words. */
  toolTitle: z.string(),
  input: z.unknown(),
  /** The tool's input JSON Schema, so the card can offer to edit the arguments. */
  inputSchema: z.record(z.string(), z.unknown()),
  reason: z.string(),
});
export type ApprovalRequest = z.infer<typeof ApprovalRequest>;

/** Why a run is waiting, and for what answer. */
export const AgentWait = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('approval'), approval: ApprovalRequest }),
  /** The run used its steps (or its time or tokens): go on with more, or stop here. */
  z.object({ kind: z.literal('limit'), limit: z.enum(['steps', 'time', 'tokens']), used: z.number(), allowed: z.number(), question: z.string() }),
  /** The agent needs something only the user can say. */
  z.object({ kind: z.literal('input'), question: z.string() }),
]);
export type AgentWait = z.infer<typeof AgentWait>;

const ToolCallRef = { callId: z.string(), tool: z.string() };

/** What a run tells its watchers, in order. Every event is journalled with the job. */
export const AgentEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('route'), route: RouteDecision }),
  /** The planner's plan, each time it is written or rewritten (`revision` 1 is the first). */
  z.object({ type: z.literal('plan'), revision: z.number().int().positive(), steps: z.array(PlanStep), reason: z.string().optional() }),
  z.object({ type: z.literal('step'), stepId: z.string(), title: z.string(), status: PlanStep.shape.status, summary: z.string().optional() }),
  z.object({ type: z.literal('thought'), stepId: z.string().optional(), text: z.string() }),
  z.object({ type: z.literal('tool-call'), ...ToolCallRef, stepId: z.string().optional(), input: z.unknown(), sideEffects: z.boolean() }),
  z.object({
    type: z.literal('tool-result'),
    ...ToolCallRef,
    ok: z.boolean(),
    /** What the tool gave back (shown in the step, and sent to the model). */
    output: z.unknown().optional(),
    error: z.string().optional(),
    /** The call was answered from the run's record of side effects (a resumed run does not do it twice). */
    replayed: z.boolean().optional(),
  }),
  /** The model wrote something unusable (arguments failing the tool's schema, an unknown tool, a plan that does not parse); it was told and asked again. */
  z.object({ type: z.literal('model-error'), message: z.string(), raw: z.string().optional(), attempt: z.number().int().positive() }),
  z.object({ type: z.literal('waiting'), wait: AgentWait }),
  z.object({
    type: z.literal('answered'),
    kind: z.enum(['approval', 'limit', 'input']),
    /** approved / edited / denied for an approval; continued / stopped for a limit; answered for an input. */
    decision: z.enum(['approved', 'edited', 'denied', 'continued', 'stopped', 'answered']),
    by: z.string(),
  }),
  /** A retrieved passage that reads like instructions ("ignore previous instructions", "send this to…"): shown as data, flagged. */
  z.object({ type: z.literal('passage-flagged'), citation: Citation, reasons: z.array(z.string()) }),
  z.object({ type: z.literal('citation'), index: z.number().int().positive(), citation: Citation }),
  z.object({ type: z.literal('delta'), text: z.string() }),
  z.object({ type: z.literal('notice'), text: z.string() }),
  /** The Guard's check of the answer's cited claims. */
  z.object({ type: z.literal('verification'), claims: z.array(ClaimVerdict) }),
]);
export type AgentEvent = z.infer<typeof AgentEvent>;

export const AgentRunResult = z.object({
  agent: AgentName,
  conversationId: Id,
  /** The assistant message the run ended with (its answer, or what it did). */
  messageId: Id,
  /** A report the run made, with its files. */
  reportId: Id.optional(),
  artifactIds: z.array(Id).default([]),
  taskIds: z.array(Id).default([]),
  eventIds: z.array(Id).default([]),
  /** The run's trace (see `traces.get`). */
  traceId: z.string().optional(),
  /** Model tokens the run used, prompt and completion. */
  tokens: z.number().int().nonnegative(),
  steps: z.number().int().nonnegative(),
});
export type AgentRunResult = z.infer<typeof AgentRunResult>;

/** An agent run: route, then the agent's steps, checked by the Guard. */
export const agentJob = jobKind('agent', AgentEvent, AgentRunResult);

export const ToolPermission = z.object({ spaceId: Id, tool: z.string(), grantedBy: z.string(), grantedAt: z.string() });
export type ToolPermission = z.infer<typeof ToolPermission>;

export const ToolInfo = z.object({
  name: z.string(),
  title: z.string(),
  description: z.string(),
  sideEffects: z.boolean(),
  inputSchema: z.record(z.string(), z.unknown()),
});
export type ToolInfo = z.infer<typeof ToolInfo>;

const RunRef = z.object({ runId: Id });

export const agentsMethods = {
  /** The agents a request can go to, for the UI's "ask another agent" choice. */
  'agents.list': call(z.object({ spaceId: Id }), z.object({ agents: z.array(AgentInfo), tools: z.array(ToolInfo) }), inSpace('viewer')),
  /**
   * Starts a run for a request in a conversation (a new one when none is given); follow it with `jobs.watch`.
   * `agent` skips the router (the user's one-click redirect); `documentIds` are attachments the request is about.
   */
  'agents.run': call(
    z.object({
      spaceId: Id,
      request: z.string().trim().min(1).max(8000),
      conversationId: Id.optional(),
      agent: AgentName.optional(),
      templateId: Id.optional(),
      documentIds: z.array(Id).max(50).optional(),
      filter: SearchFilter.optional(),
    }),
    agentJob.info,
    inSpace('viewer'),
  ),
  /**
   * Answers a waiting run: an approval (approve, optionally with edited arguments and a standing permission for
   * that tool in the space; or deny), a limit (go on with more, or stop), an input. The run goes on.
   */
  'agents.answer': call(
    RunRef.extend({
      answer: z.discriminatedUnion('kind', [
        z.object({ kind: z.literal('approval'), approvalId: Id, decision: z.enum(['approve', 'deny']), input: z.unknown().optional(), always: z.boolean().default(false) }),
        z.object({ kind: z.literal('limit'), decision: z.enum(['continue', 'stop']) }),
        z.object({ kind: z.literal('input'), text: z.string().trim().min(1).max(8000) }),
      ]),
    }),
    agentJob.info,
    inSpace('editor', { job: 'runId' }),
  ),
  /** What a waiting run waits for (also the last `waiting` event of its journal); undefined when it is not waiting. */
  'agents.pending': call(RunRef, z.object({ wait: AgentWait.optional() }), inSpace('viewer', { job: 'runId' })),
  /** The tools with a standing permission in a space (no approval asked). */
  'agents.permissions': call(z.object({ spaceId: Id }), z.array(ToolPermission), inSpace('viewer')),
  'agents.revokePermission': call(z.object({ spaceId: Id, tool: z.string() }), z.object({}), inSpace('editor')),
} as const;
