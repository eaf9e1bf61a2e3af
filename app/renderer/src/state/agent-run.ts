/**
 * An agent run as the chat shows it, rebuilt from its job's events: the route, the plan and its steps, the
 * tool calls with their results, what it waits for, and the answer streaming in. One pure function folds an
 * event into a run, so a live run and one replayed from its journal (`jobs.watch` from 0) read the same.
 */
import type {
  AgentEvent,
  AgentRunResult,
  AgentWait,
  Citation,
  ClaimVerdict,
  ErrorPayload,
  JobEventOf,
  JobState,
  PlanStep,
  RouteDecision,
} from '../../../../schemas/index.js';

export interface ToolCallView {
  callId: string;
  tool: string;
  stepId?: string;
  input: unknown;
  sideEffects: boolean;
  result?: { ok: boolean; output?: unknown; error?: string; replayed?: boolean };
}

export interface StepView {
  stepId: string;
  title: string;
  status: PlanStep['status'];
  summary?: string;
  thoughts: string[];
  /** Its tool calls, in the order they were made (see `AgentRun.toolCalls`). */
  callIds: string[];
}

/** Something the run said outside the plan's steps, in order: a thought, a bad model output, an answer to a wait. */
export type RunNote =
  | { kind: 'thought'; text: string }
  | { kind: 'model-error'; message: string; raw?: string; attempt: number }
  | { kind: 'answered'; wait: 'approval' | 'limit' | 'input'; decision: string; by: string };

export interface FlaggedPassage {
  citation: Citation;
  reasons: string[];
}

/** An answer to a wait being sent, or why the core refused it (shown on the card). */
export type ReplyWork = { status: 'sending' } | { status: 'failed'; error: ErrorPayload };

export interface AgentRun {
  /** null until the core has started the job. */
  runId: string | null;
  /** As typed (for a run this window did not start: the job's subject). */
  request: string;
  /** Started elsewhere (another window, or this one before a reload) and picked up here: its question is stored already. */
  pickedUp: boolean;
  /** The conversation the request went to; null for a new one until the run says. */
  conversationId: string | null;
  state: JobState | 'starting';
  route: RouteDecision | null;
  planRevision: number;
  planReason?: string;
  steps: StepView[];
  toolCalls: Record<string, ToolCallView>;
  /** Calls made outside a plan step (the RAG agent's searches). */
  looseCallIds: string[];
  notes: RunNote[];
  wait: AgentWait | null;
  reply: ReplyWork | null;
  flagged: FlaggedPassage[];
  text: string;
  /** The source of marker [n] is at `n - 1`. */
  citations: Array<Citation | undefined>;
  notices: string[];
  claims: ClaimVerdict[];
  result?: AgentRunResult;
  error?: ErrorPayload;
  /** The last journal event folded in: a replay or a second watcher skips what is already here. */
  lastSeq: number;
}

export function newRun(request: string, conversationId: string | null, runId: string | null = null): AgentRun {
  return {
    runId,
    request,
    pickedUp: false,
    conversationId,
    state: 'starting',
    route: null,
    planRevision: 0,
    steps: [],
    toolCalls: {},
    looseCallIds: [],
    notes: [],
    wait: null,
    reply: null,
    flagged: [],
    text: '',
    citations: [],
    notices: [],
    claims: [],
    lastSeq: 0,
  };
}

export function isFinished(run: Pick<AgentRun, 'state'>): boolean {
  return run.state === 'done' || run.state === 'failed' || run.state === 'cancelled';
}

/** Folds one event of the run's job into it; an event already folded (by its number) changes nothing. */
export function withJobEvent(run: AgentRun, event: JobEventOf<'agent'>): AgentRun {
  if (event.seq <= run.lastSeq) return run;
  const next = { ...run, lastSeq: event.seq };
  switch (event.type) {
    case 'progress':
      return withAgentEvent(next, event.progress);
    case 'step':
      return next;
    case 'state': {
      const ended = { ...next, state: event.state };
      // Whatever it waited for is answered once it runs again (or ends).
      if (event.state !== 'waiting') ended.wait = null;
      if (event.result) ended.result = event.result;
      if (event.error) ended.error = event.error;
      if (event.result?.conversationId) ended.conversationId = event.result.conversationId;
      return ended;
    }
  }
}

export function withAgentEvent(run: AgentRun, event: AgentEvent): AgentRun {
  switch (event.type) {
    case 'route':
      return { ...run, route: event.route };
    case 'plan':
      return { ...run, planRevision: event.revision, ...(event.reason ? { planReason: event.reason } : {}), steps: planned(run.steps, event.steps) };
    case 'step':
      return {
        ...run,
        steps: withStep(run.steps, event.stepId, (step) => ({
          ...step,
          title: event.title,
          status: event.status,
          ...(event.summary !== undefined ? { summary: event.summary } : {}),
        })),
      };
    case 'thought':
      return event.stepId
        ? { ...run, steps: withStep(run.steps, event.stepId, (step) => ({ ...step, thoughts: [...step.thoughts, event.text] })) }
        : { ...run, notes: [...run.notes, { kind: 'thought', text: event.text }] };
    case 'tool-call': {
      const call: ToolCallView = { callId: event.callId, tool: event.tool, input: event.input, sideEffects: event.sideEffects, ...(event.stepId ? { stepId: event.stepId } : {}) };
      const toolCalls = { ...run.toolCalls, [event.callId]: call };
      if (!event.stepId) return { ...run, toolCalls, looseCallIds: [...run.looseCallIds, event.callId] };
      return { ...run, toolCalls, steps: withStep(run.steps, event.stepId, (step) => ({ ...step, callIds: [...step.callIds, event.callId] })) };
    }
    case 'tool-result': {
      const known = run.toolCalls[event.callId];
      const result = {
        ok: event.ok,
        ...(event.output !== undefined ? { output: event.output } : {}),
        ...(event.error !== undefined ? { error: event.error } : {}),
        ...(event.replayed !== undefined ? { replayed: event.replayed } : {}),
      };
      // A result whose call this window never saw (it cannot happen in one journal, but costs nothing) still shows.
      const call: ToolCallView = known ?? { callId: event.callId, tool: event.tool, input: undefined, sideEffects: false };
      const looseCallIds = known ? run.looseCallIds : [...run.looseCallIds, event.callId];
      return { ...run, looseCallIds, toolCalls: { ...run.toolCalls, [event.callId]: { ...call, result } } };
    }
    case 'model-error':
      return { ...run, notes: [...run.notes, { kind: 'model-error', message: event.message, attempt: event.attempt, ...(event.raw !== undefined ? { raw: event.raw } : {}) }] };
    case 'waiting':
      return { ...run, wait: event.wait, reply: null };
    case 'answered':
      return { ...run, wait: null, reply: null, notes: [...run.notes, { kind: 'answered', wait: event.kind, decision: event.decision, by: event.by }] };
    case 'passage-flagged':
      return { ...run, flagged: [...run.flagged, { citation: event.citation, reasons: event.reasons }] };
    case 'citation': {
      const citations = [...run.citations];
      citations[event.index - 1] = event.citation;
      return { ...run, citations };
    }
    case 'delta':
      return { ...run, text: run.text + event.text };
    case 'notice':
      return run.notices.includes(event.text) ? run : { ...run, notices: [...run.notices, event.text] };
    case 'verification':
      return { ...run, claims: event.claims };
  }
}

/** A new plan keeps what the steps it still has already did (their thoughts and calls); dropped steps go. */
function planned(steps: readonly StepView[], plan: readonly PlanStep[]): StepView[] {
  return plan.map((step) => {
    const known = steps.find((candidate) => candidate.stepId === step.id);
    return { ...(known ?? { thoughts: [], callIds: [] }), stepId: step.id, title: step.title, status: step.status };
  });
}

function withStep(steps: readonly StepView[], stepId: string, change: (step: StepView) => StepView): StepView[] {
  const known = steps.some((step) => step.stepId === stepId);
  if (!known) return [...steps, change({ stepId, title: stepId, status: 'running', thoughts: [], callIds: [] })];
  return steps.map((step) => (step.stepId === stepId ? change(step) : step));
}
