/**
 * The orchestrator: one graph for every run. `route` picks the agent (the router's rules, then its classifier);
 * the RAG agent answers in one node; the planner plans, then loops think → gate → act over each step (with a
 * re-plan when a tool fails); the report agent starts a report job and follows it; the Guard's `verify` checks
 * the answer's cited claims; then END. Every step is checkpointed on the conversation's thread, so a run paused
 * for an approval or a limit, or cut by a crash, goes on from where it was.
 */
import type { Message } from '../../../schemas/index.js';
import type { Jobs } from '../jobs/index.js';
import type { Reports } from '../reports/index.js';
import type { ToolRegistry } from '../tools/index.js';
import type { RunContext } from './agent-context.js';
import type { Approvals } from './approvals.js';
import { END, START, StateGraph, type CompiledGraph, type NodeContext } from './graph/index.js';
import { verifyClaims } from './guard/index.js';
import { failStep, plannerAnswer, writePlan } from './planner.js';
import { runRag } from './rag-agent.js';
import { awaitReport, startReport } from './report-agent.js';
import { routeRequest } from './router.js';
import { RunState, runChannels } from './run-state.js';
import { act, gate, think } from './tool-loop.js';

export interface OrchestratorDeps {
  registry: ToolRegistry;
  approvals: Approvals;
  reports: Reports;
  jobs: Jobs;
  /** The context of the attempt running a run now. */
  contextOf(runId: string): RunContext;
  /** The conversation's turns before the request, for follow-up questions. */
  historyOf(conversationId: string, runId: string): Message[];
}

export function orchestratorGraph(deps: OrchestratorDeps): CompiledGraph<RunState> {
  /** Each node gets the run's context, its token count pointed at this node's budget. */
  const withContext =
    <R>(work: (state: Readonly<RunState>, ctx: RunContext, node: NodeContext) => Promise<R> | R) =>
    (state: Readonly<RunState>, node: NodeContext) => {
      const ctx = deps.contextOf(node.runId);
      ctx.onTokens = (n) => node.addTokens(n);
      return ctx.inStep(state.route?.agent ?? 'router', node.node, node.step, () => work(state, ctx, node));
    };
  const loop = { registry: deps.registry, approvals: deps.approvals };
  const reportDeps = { reports: deps.reports, jobs: deps.jobs };

  return new StateGraph<RunState>({ channels: runChannels, schema: RunState })
    .addNode(
      'route',
      withContext(async (state, ctx, node) => {
        const routed = await routeRequest(
          { request: state.request, documentIds: state.documentIds, agent: state.askedAgent ?? undefined, templateId: state.askedTemplateId ?? undefined },
          { model: await ctx.chatModel(), embedder: await ctx.embedder(), signal: node.signal },
        );
        ctx.emit({ type: 'route', route: routed.route });
        return { route: routed.route, request: routed.request || state.request };
      }),
    )
    .addNode(
      'rag',
      withContext(async (state, ctx) => {
        const answer = await runRag(ctx, { request: state.request, filter: state.filter ?? undefined, documentIds: state.documentIds, history: deps.historyOf(ctx.conversationId, ctx.runId) });
        return { answer: { content: answer.content, citations: answer.citations, notices: answer.notices, evidence: answer.evidence } };
      }),
    )
    .addNode('plan', withContext(async (state, ctx, node) => writePlan(state, ctx, node, deps.registry, await ctx.chatModel())))
    .addNode(
      'think',
      withContext(async (state, ctx, node) => {
        const model = await ctx.chatModel();
        // The model went away between steps (switched off on the Models page): say so rather than fail.
        if (!model) return { answer: { ...plannerAnswer(state), notices: ['The language model was switched off during the run.'] } };
        return think(state, ctx, node, loop, model);
      }),
    )
    .addNode('gate', withContext((state, ctx, node) => gate(state, ctx, node, loop)))
    .addNode('act', withContext((state, ctx) => act(state, ctx, loop)))
    .addNode('fail-step', withContext((state, ctx) => failStep(state, ctx)))
    .addNode('finish-plan', (state) => ({ answer: plannerAnswer(state) }))
    .addNode('report', withContext((state, ctx) => startReport(state, ctx, reportDeps)))
    .addNode('report-wait', withContext((state, ctx) => awaitReport(state, ctx, reportDeps)))
    .addNode(
      'verify',
      withContext(async (state, ctx, node) => {
        const answer = state.answer;
        if (!answer || answer.evidence.length === 0) return { claims: [] };
        const claims = await verifyClaims(answer.content, answer.evidence, { judge: await ctx.chatModel(), reranker: await ctx.reranker(), signal: node.signal });
        ctx.emit({ type: 'verification', claims });
        return { claims };
      }),
    )
    .addEdge(START, 'route')
    .addConditionalEdges('route', (state) => (state.route?.agent === 'planner' ? 'plan' : state.route?.agent === 'report' ? 'report' : 'rag'), ['rag', 'plan', 'report'])
    .addEdge('rag', 'verify')
    .addConditionalEdges('plan', (state) => (state.answer ? 'verify' : nextOfPlan(state)), ['think', 'finish-plan', 'verify'])
    .addConditionalEdges('think', (state) => (state.answer ? 'verify' : state.queue.length > 0 ? 'gate' : nextOfPlan(state)), ['gate', 'think', 'finish-plan', 'verify'])
    .addConditionalEdges('gate', (state) => (state.decision ? 'act' : state.queue.length > 0 ? 'gate' : nextOfPlan(state)), ['act', 'gate', 'think', 'finish-plan'])
    .addConditionalEdges('act', (state) => (state.failure ? 'fail-step' : state.queue.length > 0 ? 'gate' : nextOfPlan(state)), ['fail-step', 'gate', 'think', 'finish-plan'])
    .addConditionalEdges('fail-step', (state) => (state.failure ? 'plan' : nextOfPlan(state)), ['plan', 'think', 'finish-plan'])
    .addEdge('finish-plan', 'verify')
    .addConditionalEdges('report', (state) => (state.reportJobId && !state.answer ? 'report-wait' : 'verify'), ['report-wait', 'verify'])
    .addEdge('report-wait', 'verify')
    .addEdge('verify', END)
    .compile();
}

/** The current step goes on (think) while there is one; past the last, the planner answers. */
function nextOfPlan(state: Readonly<RunState>): string {
  return state.stepIndex < state.plan.length ? 'think' : 'finish-plan';
}
