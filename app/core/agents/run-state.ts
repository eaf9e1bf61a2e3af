/**
 * The state of an agent run, as the orchestrator graph's channels hold it and its checkpoints keep it: plain
 * JSON, every channel replaced by the update that names it (no reducers: each node writes whole values, so a
 * node run again after a crash writes the same thing rather than adding to it).
 */
import { z } from 'zod';
import { AgentName, Citation, ClaimVerdict, Id, PlanStep, RouteDecision, SearchFilter } from '../../../schemas/index.js';
import { LlmChatMessage } from '../models/index.js';
import type { StateChannels } from './graph/index.js';

/** A tool call the model proposed, waiting to be checked (gate) and made (act). */
const ProposedCall = z.object({
  /** The model's id for the call, to answer it with a `tool` message. */
  callId: z.string(),
  /** The registry's key: the graph step that proposed it and the call's id, unique in the run and stable across resumes. */
  callKey: z.string(),
  name: z.string(),
  input: z.unknown(),
  /** What the model said before calling it: the reason shown on an approval card. */
  reason: z.string(),
});
export type ProposedCall = z.infer<typeof ProposedCall>;

const PlannedStep = z.object({ id: z.string(), title: z.string(), status: PlanStep.shape.status, summary: z.string().nullable() });
export type PlannedStep = z.infer<typeof PlannedStep>;

/** What the user decided about the call at the head of the queue: the input to run it with (the model's, or the user's edit). */
const CallDecision = z.object({ approved: z.boolean(), input: z.unknown(), edited: z.boolean() });

const Answer = z.object({
  content: z.string(),
  citations: z.array(Citation),
  notices: z.array(z.string()),
  /** The numbered passages its claims cite, for the Guard's check. */
  evidence: z.array(z.object({ number: z.number().int().positive(), text: z.string() })),
});
export type Answer = z.infer<typeof Answer>;

const Made = z.object({ taskIds: z.array(Id), eventIds: z.array(Id), artifactIds: z.array(Id) });

/**
 * The run's state, as a schema: what a checkpoint holds is read back through it, so a checkpoint another version
 * of Hearth wrote (or a damaged row) fails the run with the field named rather than steering it with bad data.
 */
export const RunState = z.object({
  request: z.string(),
  filter: SearchFilter.nullable(),
  documentIds: z.array(Id),
  /** The agent the user named (a redirect), and the template, if any. */
  askedAgent: AgentName.nullable(),
  askedTemplateId: z.string().nullable(),
  route: RouteDecision.nullable(),
  plan: z.array(PlannedStep),
  planRevision: z.number().int().nonnegative(),
  replans: z.number().int().nonnegative(),
  stepIndex: z.number().int().nonnegative(),
  /** The current step's turns with the model (its tool calls and their results). */
  transcript: z.array(LlmChatMessage),
  queue: z.array(ProposedCall),
  decision: CallDecision.nullable(),
  /** Unusable model output in the current step so far (bounded). */
  corrections: z.number().int().nonnegative(),
  /** The last call made (tool and arguments as JSON), for the loop guard. */
  lastCall: z.string().nullable(),
  /** A tool failure the planner re-plans around. */
  failure: z.string().nullable(),
  made: Made,
  answer: Answer.nullable(),
  reportJobId: z.string().nullable(),
  reportId: z.string().nullable(),
  claims: z.array(ClaimVerdict),
});
export type RunState = z.infer<typeof RunState>;

const value = <T>(initial: () => T) => ({ default: initial });

export const runChannels: StateChannels<RunState> = {
  request: value(() => ''),
  filter: value<SearchFilter | null>(() => null),
  documentIds: value<string[]>(() => []),
  askedAgent: value<AgentName | null>(() => null),
  askedTemplateId: value<string | null>(() => null),
  route: value<RouteDecision | null>(() => null),
  plan: value<PlannedStep[]>(() => []),
  planRevision: value(() => 0),
  replans: value(() => 0),
  stepIndex: value(() => 0),
  transcript: value<RunState['transcript']>(() => []),
  queue: value<ProposedCall[]>(() => []),
  decision: value<RunState['decision']>(() => null),
  corrections: value(() => 0),
  lastCall: value<string | null>(() => null),
  failure: value<string | null>(() => null),
  made: value<RunState['made']>(() => ({ taskIds: [], eventIds: [], artifactIds: [] })),
  answer: value<Answer | null>(() => null),
  reportJobId: value<string | null>(() => null),
  reportId: value<string | null>(() => null),
  claims: value<ClaimVerdict[]>(() => []),
};

/** The plan as the contract's events show it. */
export const planSteps = (plan: readonly PlannedStep[]): PlanStep[] => plan.map(({ id, title, status }) => ({ id, title, status }));
