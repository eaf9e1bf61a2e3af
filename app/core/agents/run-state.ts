/**
 * The state of an agent run, as the orchestrator graph's channels hold it and its checkpoints keep it: plain
 * JSON, every channel replaced by the update that names it (no reducers: each node writes whole values, so a
 * node run again after a crash writes the same thing rather than adding to it).
 */
import type { AgentName, Citation, ClaimVerdict, PlanStep, RouteDecision, SearchFilter } from '../../../schemas/index.js';
import type { StateChannels } from './graph/index.js';
import type { ChatMessage } from '../models/index.js';

/** A tool call the model proposed, waiting to be checked (gate) and made (act). */
export interface ProposedCall {
  /** The model's id for the call, to answer it with a `tool` message. */
  callId: string;
  /** The registry's key: the graph step that proposed it and the call's id, unique in the run and stable across resumes. */
  callKey: string;
  name: string;
  input: unknown;
  /** What the model said before calling it: the reason shown on an approval card. */
  reason: string;
}

export interface PlannedStep {
  id: string;
  title: string;
  status: PlanStep['status'];
  summary: string | null;
}

/** What the user decided about the call at the head of the queue. */
export interface CallDecision {
  approved: boolean;
  /** The input to run it with: the model's, or the user's edit. */
  input: unknown;
  edited: boolean;
}

export interface Answer {
  content: string;
  citations: Citation[];
  notices: string[];
  /** The numbered passages its claims cite, for the Guard's check. */
  evidence: { number: number; text: string }[];
}

export interface Made {
  taskIds: string[];
  eventIds: string[];
  artifactIds: string[];
}

export interface RunState {
  request: string;
  filter: SearchFilter | null;
  documentIds: string[];
  /** The agent the user named (a redirect), and the template, if any. */
  askedAgent: AgentName | null;
  askedTemplateId: string | null;
  route: RouteDecision | null;
  plan: PlannedStep[];
  planRevision: number;
  replans: number;
  stepIndex: number;
  /** The current step's turns with the model (its tool calls and their results). */
  transcript: ChatMessage[];
  queue: ProposedCall[];
  decision: CallDecision | null;
  /** Unusable model output in the current step so far (bounded). */
  corrections: number;
  /** The last call made (tool and arguments as JSON), for the loop guard. */
  lastCall: string | null;
  /** A tool failure the planner re-plans around. */
  failure: string | null;
  made: Made;
  answer: Answer | null;
  reportJobId: string | null;
  reportId: string | null;
  claims: ClaimVerdict[];
}

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
  transcript: value<ChatMessage[]>(() => []),
  queue: value<ProposedCall[]>(() => []),
  decision: value<CallDecision | null>(() => null),
  corrections: value(() => 0),
  lastCall: value<string | null>(() => null),
  failure: value<string | null>(() => null),
  made: value<Made>(() => ({ taskIds: [], eventIds: [], artifactIds: [] })),
  answer: value<Answer | null>(() => null),
  reportJobId: value<string | null>(() => null),
  reportId: value<string | null>(() => null),
  claims: value<ClaimVerdict[]>(() => []),
};

/** The plan as the contract's events show it. */
export const planSteps = (plan: readonly PlannedStep[]): PlanStep[] => plan.map(({ id, title, status }) => ({ id, title, status }));
