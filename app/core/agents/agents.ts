/**
 * The agents capability: a request in a conversation becomes an `agent` job that runs the orchestrator graph
 * (orchestrator.ts) on the conversation's thread. The job pauses (`waiting`) when the graph asks something —
 * an approval, "go on?" at a limit — and is resumed once the answer is stored; after a restart a waiting run
 * stays waiting, and a run cut mid-step goes on from its last checkpoint. The run ends as an assistant message
 * in the conversation, with the agent, the run, the Guard's verdicts and the trace.
 */
import { z } from 'zod';
import {
  AgentEvent,
  AgentName,
  AgentRunResult,
  HearthError,
  SearchFilter,
  agentJob,
  type AgentWait,
  type ApprovalRequest,
  type JobInfoOf,
  type Message,
} from '../../../schemas/index.js';
import type { Conversations } from '../chat/index.js';
import { JobWaits, type JobKind, type JobRun, type Jobs } from '../jobs/index.js';
import type { ModelRuntime } from '../models/index.js';
import type { Reports } from '../reports/index.js';
import type { SpaceIndexes } from '../retrieval/index.js';
import { zodIssueText } from '../sgr/index.js';
import type { Spaces } from '../spaces/index.js';
import type { Db } from '../storage/index.js';
import type { Caller } from '../team/index.js';
import type { Telemetry } from '../telemetry/index.js';
import type { ToolRegistry } from '../tools/index.js';
import { RunContext } from './agent-context.js';
import { agentCatalog } from './agent-catalog.js';
import { Approvals } from './approvals.js';
import { SqliteCheckpointer, type CompiledGraph, type LimitRequest, type RunLimits } from './graph/index.js';
import { orchestratorGraph } from './orchestrator.js';
import { plannerAnswer } from './planner.js';
import { RunRecords, type RunAnswer } from './run-records.js';
import type { RunState } from './run-state.js';

export interface AgentsDeps {
  db: Db;
  jobs: Jobs;
  spaces: Spaces;
  conversations: Conversations;
  models: ModelRuntime;
  indexes: SpaceIndexes;
  telemetry: Telemetry;
  tools: ToolRegistry;
  reports: Reports;
  /** How far a run goes before it asks whether to go on. Default 40 steps, 10 minutes, 200k tokens. */
  limits?: RunLimits;
}

const AgentParams = z.object({
  spaceId: z.string(),
  conversationId: z.string(),
  request: z.string(),
  agent: AgentName.optional(),
  templateId: z.string().optional(),
  documentIds: z.array(z.string()).optional(),
  filter: SearchFilter.optional(),
});
type AgentParams = z.infer<typeof AgentParams>;

export type AgentAnswer =
  | { kind: 'approval'; approvalId: string; decision: 'approve' | 'deny'; input?: unknown; always: boolean }
  | { kind: 'limit'; decision: 'continue' | 'stop' }
  | { kind: 'input'; text: string };

/** Runs at once: each holds the model for its turns, which serves one request at a time anyway. */
const agentConcurrency = 2;
const defaultLimits: RunLimits = { maxSteps: 40, maxMs: 10 * 60_000, maxTokens: 200_000 };

export class Agents {
  readonly approvals: Approvals;
  private readonly records: RunRecords;
  private readonly checkpointer: SqliteCheckpointer;
  private readonly graph: CompiledGraph<RunState>;
  /** The context of each run being worked on in this process, for its graph's nodes. */
  private readonly contexts = new Map<string, RunContext>();

  constructor(private readonly deps: AgentsDeps) {
    this.approvals = new Approvals(deps.db);
    this.records = new RunRecords(deps.db);
    this.checkpointer = new SqliteCheckpointer(deps.db);
    this.graph = orchestratorGraph({
      registry: deps.tools,
      approvals: this.approvals,
      reports: deps.reports,
      jobs: deps.jobs,
      contextOf: (runId) => {
        const context = this.contexts.get(runId);
        if (!context) throw new HearthError('INTERNAL', `Run ${runId} has no context in this process.`);
        return context;
      },
      historyOf: (conversationId, runId) => historyBefore(deps.conversations.messages(conversationId), runId),
    });
    deps.jobs.register(this.agentKind());
  }

  /** The agents and tools, for the UI's choices. */
  list() {
    return { agents: agentCatalog, tools: this.deps.tools.list() };
  }

  /** Stores the request in its conversation (a new one when none is named) and starts the run. */
  async run(
    caller: Caller,
    request: { spaceId: string; request: string; conversationId?: string | undefined; agent?: AgentName | undefined; templateId?: string | undefined; documentIds?: string[] | undefined; filter?: SearchFilter | undefined },
  ): Promise<JobInfoOf<'agent'>> {
    const space = this.deps.spaces.get(request.spaceId);
    const conversation = request.conversationId ? this.deps.conversations.get(request.conversationId) : this.deps.conversations.create(space.id, clip(request.request, 80));
    if (conversation.spaceId !== space.id) throw new HearthError('BAD_REQUEST', `Conversation ${conversation.id} belongs to another space.`, { conversationId: conversation.id });
    const params: AgentParams = {
      spaceId: space.id,
      conversationId: conversation.id,
      request: request.request,
      ...(request.agent ? { agent: request.agent } : {}),
      ...(request.templateId ? { templateId: request.templateId } : {}),
      ...(request.documentIds?.length ? { documentIds: request.documentIds } : {}),
      ...(request.filter ? { filter: request.filter } : {}),
    };
    const job = this.deps.jobs.start('agent', { spaceId: space.id, title: clip(request.request, 80), subject: conversation.title, params, caller });
    // The request is part of the conversation once its run exists; the run's answer follows it.
    this.deps.conversations.append(conversation.id, { role: 'user', content: request.request, citations: [], runId: job.id });
    return job;
  }

  /** What a waiting run waits for; undefined when it is not waiting. */
  pending(runId: string): AgentWait | undefined {
    const info = this.agentJob(runId);
    return info.state === 'waiting' ? this.records.find(runId)?.wait : undefined;
  }

  /**
   * Answers a waiting run: the answer is written first (the approval's decision, a standing permission if asked
   * for, the run's answer), then the job is resumed, so a crash in between loses nothing.
   */
  answer(caller: Caller, runId: string, answer: AgentAnswer): JobInfoOf<'agent'> {
    const info = this.agentJob(runId);
    const wait = this.records.find(runId)?.wait;
    if (info.state !== 'waiting' || !wait) throw new HearthError('BAD_REQUEST', `The run "${info.title}" is ${info.state}, not waiting for an answer.`, { runId, state: info.state });
    if (wait.kind !== answer.kind) throw new HearthError('BAD_REQUEST', `The run waits for ${describeWait(wait)}, not for ${answer.kind === 'approval' ? 'an approval' : answer.kind === 'limit' ? 'a limit answer' : 'an input'}.`, { runId });
    const by = caller.name;
    return this.deps.db.transaction(() => {
      if (answer.kind === 'approval' && wait.kind === 'approval') {
        if (answer.approvalId !== wait.approval.approvalId) throw new HearthError('BAD_REQUEST', `The run waits for approval ${wait.approval.approvalId}, not ${answer.approvalId}.`, { runId });
        const approve = answer.decision === 'approve';
        const input = approve && answer.input !== undefined ? this.checkedInput(wait.approval, answer.input) : undefined;
        this.approvals.answer(answer.approvalId, { approved: approve, ...(input !== undefined ? { input } : {}), by });
        if (approve && answer.always) this.approvals.grant(info.spaceId, wait.approval.tool, by);
        this.records.answer(runId, { kind: 'approval', approvalId: answer.approvalId }, by);
      } else if (answer.kind === 'limit') {
        this.records.answer(runId, { kind: 'limit', decision: answer.decision }, by);
      } else if (answer.kind === 'input') {
        this.records.answer(runId, { kind: 'input', text: answer.text }, by);
      }
      // In the same transaction: a resume refused (Hearth closing) takes the answer back, so it can be given again.
      // A crash after the commit leaves the job waiting with its answer stored: `answered` queues it at the next start.
      return this.deps.jobs.resume(runId) as JobInfoOf<'agent'>;
    })();
  }

  permissions(spaceId: string) {
    return this.approvals.permissions(spaceId);
  }

  revokePermission(spaceId: string, tool: string): void {
    this.approvals.revoke(spaceId, tool);
  }

  private agentJob(runId: string): JobInfoOf<'agent'> {
    const info = this.deps.jobs.get(runId);
    if (info.kind !== 'agent') throw new HearthError('BAD_REQUEST', `Job ${runId} is not an agent run (it is a ${info.kind} job).`, { runId });
    return info;
  }

  /** Edited arguments, checked against the tool's schema before anything is stored. */
  private checkedInput(approval: ApprovalRequest, input: unknown): unknown {
    const tool = this.deps.tools.get(approval.tool);
    if (!tool) throw new HearthError('BAD_REQUEST', `The tool "${approval.tool}" is no longer there.`);
    const parsed = tool.input.safeParse(input);
    if (!parsed.success) {
      throw new HearthError('BAD_REQUEST', `The edited arguments of ${approval.tool} do not match its schema: ${parsed.error.issues.map(zodIssueText).join('; ')}`, { tool: approval.tool });
    }
    return input;
  }

  private agentKind(): JobKind<AgentParams, AgentEvent, AgentRunResult> {
    return {
      kind: agentJob.kind,
      params: AgentParams,
      progress: AgentEvent,
      result: AgentRunResult,
      concurrency: agentConcurrency,
      // The graph goes on from its latest checkpoint: at most the step in flight is done again.
      recover: () => ({ resume: true }),
      // A run answered just before a crash (the answer stored, the resume lost) goes on at the next start.
      answered: (job) => this.records.find(job.id)?.answer !== undefined,
      run: (job) => this.runJob(job),
    };
  }

  private async runJob(job: JobRun<AgentParams, AgentEvent>): Promise<AgentRunResult> {
    const { params } = job;
    this.records.create(job.id, params.spaceId, params.conversationId);
    const record = this.records.get(job.id);
    const conversation = this.deps.conversations.get(params.conversationId);
    // Every attempt is a span of the run's one trace: the first is its root, later ones (after a pause) join it.
    const span = this.deps.telemetry.startSpan(record.trace ? 'agent.resume' : 'agent.run', {
      ...(record.trace ? { parent: record.trace } : {}),
      spaceId: params.spaceId,
      attributes: { 'hearth.run.id': job.id, 'hearth.run.attempt': job.attempt },
    });
    const trace = record.trace ?? { traceId: span.traceId, spanId: span.spanId };
    if (!record.trace) this.records.setTrace(job.id, trace);
    const ctx = new RunContext(
      { models: this.deps.models, indexes: this.deps.indexes, telemetry: this.deps.telemetry },
      {
        caller: job.caller,
        spaceId: params.spaceId,
        runId: job.id,
        conversationId: conversation.id,
        signal: job.signal,
        span: { traceId: span.traceId, spanId: span.spanId },
        emit: (event) => job.progress(event),
      },
    );
    this.contexts.set(job.id, ctx);
    let waiting = false;
    try {
      const answer = record.answer;
      if (answer && answer.kind !== 'approval') {
        ctx.emit({ type: 'answered', kind: answer.kind, decision: answer.kind === 'input' ? 'answered' : answer.decision === 'continue' ? 'continued' : 'stopped', by: record.answeredBy ?? 'someone' });
      }
      const outcome = await this.graph.run({
        runId: job.id,
        threadKey: conversation.key,
        input: {
          request: params.request,
          filter: params.filter ?? null,
          documentIds: params.documentIds ?? [],
          askedAgent: params.agent ?? null,
          askedTemplateId: params.templateId ?? null,
        },
        resume: resumeValue(answer),
        // A run cut after the graph asked its next question, before the answer was spent, must not hand the old
        // answer to the new question.
        ...(answer && record.interruptId ? { resumeFor: record.interruptId } : {}),
        checkpointer: this.checkpointer,
        signal: job.signal,
        limits: this.deps.limits ?? defaultLimits,
        // The journal names each step that was done, once: what the user (and a test) reads to see nothing ran twice.
        onStep: (step) => job.step(`step ${step.step}: ${step.nodes.join(' + ')}`),
      });
      if (answer) this.records.spend(job.id);
      if (outcome.status === 'interrupted') {
        const wait = waitOf(outcome.request);
        // Stored, then told, then paused — with no await between, so an answer never finds the run still running.
        this.records.waitFor(job.id, wait, outcome.interruptId);
        job.progress({ type: 'waiting', wait });
        job.wait();
      }
      return await this.finish(job, conversation.id, outcome.state, trace.traceId, answer?.kind === 'limit' && answer.decision === 'stop');
    } catch (error) {
      if (error instanceof JobWaits) waiting = true;
      else span.fail(error);
      throw error;
    } finally {
      span.end();
      this.contexts.delete(job.id);
      // A pausing run must reach `waiting` before anything is awaited, or an answer clicked at once finds it still
      // running: its models' leases are let go without waiting for them.
      if (waiting) ctx.dispose().catch((problem: unknown) => console.error(`[hearth] Releasing the models of run ${job.id} failed: ${(problem as Error).message}`));
      else await ctx.dispose();
    }
  }

  /** The run's answer as the conversation's next message (once, even when this is done again after a crash). */
  private async finish(job: JobRun<AgentParams, AgentEvent>, conversationId: string, state: RunState, traceId: string, stopped: boolean): Promise<AgentRunResult> {
    const agent = state.route?.agent ?? job.params.agent ?? 'rag';
    const latest = await this.checkpointer.latest(this.deps.conversations.get(conversationId).key, job.id);
    let message = this.deps.conversations.messages(conversationId).find((candidate) => candidate.runId === job.id && candidate.role === 'assistant');
    if (!message) {
      const answer = state.answer ?? plannerAnswer(state);
      const content = stopped ? `${answer.content}\n\nStopped at the run’s limit, as asked.`.trim() : answer.content;
      message = this.deps.conversations.append(conversationId, {
        role: 'assistant',
        content,
        citations: answer.citations,
        notices: answer.notices,
        agent,
        runId: job.id,
        ...(state.claims.length ? { claims: state.claims } : {}),
        traceId,
      });
    }
    return {
      agent,
      conversationId,
      messageId: message.id,
      ...(state.reportId ? { reportId: state.reportId } : {}),
      artifactIds: state.made.artifactIds,
      taskIds: state.made.taskIds,
      eventIds: state.made.eventIds,
      traceId,
      tokens: latest?.usage.tokens ?? 0,
      steps: latest?.usage.steps ?? 0,
    };
  }
}

/** The value the graph is resumed with for a stored answer (an approval's decision is read from its own table). */
function resumeValue(answer: RunAnswer | undefined): unknown {
  if (!answer) return undefined;
  if (answer.kind === 'limit') return { continue: answer.decision === 'continue' };
  if (answer.kind === 'input') return answer.text;
  return { approvalId: answer.approvalId };
}

function waitOf(request: unknown): AgentWait {
  const asked = request as { kind?: string };
  if (asked.kind === 'limit') {
    const limit = request as LimitRequest;
    const what = limit.limit === 'steps' ? `${limit.allowed} steps` : limit.limit === 'time' ? `${Math.round(limit.allowed / 1000)} s` : `${limit.allowed} tokens`;
    return { kind: 'limit', limit: limit.limit, used: limit.used, allowed: limit.allowed, question: `The run has used its ${what}. Go on?` };
  }
  if (asked.kind === 'approval') return request as AgentWait;
  return { kind: 'input', question: typeof (request as { question?: unknown }).question === 'string' ? (request as { question: string }).question : 'The agent needs an answer to go on.' };
}

function describeWait(wait: AgentWait): string {
  if (wait.kind === 'approval') return `an approval of ${wait.approval.tool}`;
  if (wait.kind === 'limit') return 'an answer at its limit (go on or stop)';
  return 'an input';
}

/** The turns before the run's own request. */
function historyBefore(messages: Message[], runId: string): Message[] {
  const at = messages.findIndex((message) => message.runId === runId && message.role === 'user');
  return (at >= 0 ? messages.slice(0, at) : messages).slice(-6);
}

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
