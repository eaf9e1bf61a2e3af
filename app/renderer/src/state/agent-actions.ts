/**
 * The chat's actions: a question is a request to Hearth's agents (`agents.run`), and the run is followed with
 * `jobs.watch` from its first event, so a run opened later (a reload, a second window) replays the same story.
 * Answers to what a run waits for (an approval, "go on?", an input) go back with `agents.answer`. Like
 * actions.ts, the only code of its kind that talks to the core; what comes back lands in the agents store.
 */
import type { AgentName, JobInfoOf, ParamsIn } from '../../../../schemas/index.js';
import { isFinished, newRun, withJobEvent, type AgentRun } from './agent-run.js';
import { useAgentsStore, type ReplayedRun } from './agents-store.js';
import { useChatStore } from './chat-store.js';
import { describe, spaceConnection } from './core-connection.js';
import { withEntry } from './keyed-record.js';
import { askScopeOf, useLibraryStore } from './library-store.js';
import { openReport, showReports } from './report-actions.js';
import { useSpacesStore } from './spaces-store.js';
import { useViewStore } from './view-store.js';

const client = () => spaceConnection().client;

/** What a waiting run can be told. */
export type WaitAnswer = ParamsIn<'agents.answer'>['answer'];

/** The live run this window follows; aborting stops the following only, the run goes on in the core. */
let following: AbortController | undefined;

/**
 * A space was opened: forget the last space's runs, read which agents this one has, and pick up a run still
 * going there (asked before a reload, or in another window), replayed from its start.
 */
export async function showAgents(spaceId: string): Promise<void> {
  following?.abort();
  following = undefined;
  useAgentsStore.setState({ spaceId, agents: [], tools: [], live: null, replays: {} });
  const stillCurrent = () => useAgentsStore.getState().spaceId === spaceId;
  const [listed, running] = await Promise.allSettled([
    client().call('agents.list', { spaceId }),
    client().call('jobs.list', { spaceId, kinds: ['agent'] }),
  ]);
  if (!stillCurrent()) return;
  // Without the list the chat still answers; only "ask another agent" has nothing to offer.
  if (listed.status === 'fulfilled') useAgentsStore.setState({ agents: listed.value.agents, tools: listed.value.tools });
  if (running.status !== 'fulfilled') return;
  const job = running.value.find((candidate): candidate is JobInfoOf<'agent'> => candidate.kind === 'agent');
  if (job && !useAgentsStore.getState().live) void followLive(spaceId, Promise.resolve(job), { request: job.subject, conversationId: null, pickedUp: true });
}

/** Stops following the live run (the space changes, a new conversation starts); the run itself goes on. */
export function leaveLiveRun(): void {
  following?.abort();
  following = undefined;
  useAgentsStore.setState({ live: null });
}

/**
 * Asks the agents in the current conversation (or starts one): the router picks the agent unless `agent` says
 * which; with "only the filtered documents" on and the library filter narrowing the list, only those are searched.
 */
export function askAgents(request: string, options: { agent?: AgentName } = {}): void {
  const spaceId = useSpacesStore.getState().currentSpaceId;
  const { conversationId, onlyFiltered } = useChatStore.getState();
  const live = useAgentsStore.getState().live;
  if (!spaceId || (live && !isFinished(live))) return;
  const scope = askScopeOf(useLibraryStore.getState());
  if (onlyFiltered && scope.kind === 'inexpressible') return; // the toggle says why; asking everything instead would mislead
  const filter = onlyFiltered && scope.kind === 'filtered' ? scope.filter : undefined;
  const started = client().call('agents.run', {
    spaceId,
    request,
    ...(conversationId ? { conversationId } : {}),
    ...(options.agent ? { agent: options.agent } : {}),
    ...(filter ? { filter } : {}),
  });
  void followLive(spaceId, started, { request, conversationId });
}

/**
 * The one-click redirect: the same request again, to the agent the user chose. A run still going (or waiting)
 * is cancelled first, so two agents do not work on one request.
 */
export async function redirectRun(request: string, agent: AgentName): Promise<void> {
  const live = useAgentsStore.getState().live;
  if (live?.runId && !isFinished(live)) {
    try {
      await client().call('jobs.cancel', { jobId: live.runId });
    } catch (error) {
      updateLive(live.runId, () => ({ error: describe(error) }));
      return;
    }
    leaveLiveRun();
  }
  askAgents(request, { agent });
}

/** Stops the live run; it ends cancelled, keeping what it did before (a task it made stays). */
export async function cancelRun(): Promise<void> {
  const live = useAgentsStore.getState().live;
  if (!live?.runId || isFinished(live)) return;
  try {
    await client().call('jobs.cancel', { jobId: live.runId });
  } catch (error) {
    updateLive(live.runId, () => ({ error: describe(error) }));
  }
}

/** Answers what the live run waits for; the run goes on, and its events say what came of it. */
export async function answerWait(answer: WaitAnswer): Promise<void> {
  const live = useAgentsStore.getState().live;
  if (!live?.runId || !live.wait || live.reply?.status === 'sending') return;
  const runId = live.runId;
  updateLive(runId, () => ({ reply: { status: 'sending' } }));
  try {
    await client().call('agents.answer', { runId, answer });
  } catch (error) {
    updateLive(runId, () => ({ reply: { status: 'failed', error: describe(error) } }));
  }
}

/** Reads a stored answer's run from its journal, to show its route, steps and tool calls; once per run. */
export async function replayRun(runId: string): Promise<void> {
  const known = useAgentsStore.getState().replays[runId];
  if (known && known.status !== 'failed') return;
  setReplay(runId, { status: 'loading' });
  try {
    let run = newRun('', null, runId);
    const watch = client().stream('jobs.watch', { jobId: runId, after: 0 });
    for await (const event of watch) if (event.kind === 'agent') run = withJobEvent(run, event);
    const info = await watch.result;
    setReplay(runId, { status: 'ready', run: { ...run, request: info.subject } });
  } catch (error) {
    setReplay(runId, { status: 'failed', error: describe(error) });
  }
}

async function followLive(
  spaceId: string,
  started: Promise<JobInfoOf<'agent'>>,
  about: { request: string; conversationId: string | null; pickedUp?: boolean },
): Promise<void> {
  following?.abort();
  const controller = new AbortController();
  following = controller;
  useAgentsStore.setState({ live: { ...newRun(about.request, about.conversationId), pickedUp: about.pickedUp ?? false } });
  const mine = () => !controller.signal.aborted && useAgentsStore.getState().spaceId === spaceId;
  let runId: string | null = null;
  try {
    const job = await started;
    if (!mine()) return;
    runId = job.id;
    useAgentsStore.setState((state) => ({ live: state.live && { ...state.live, runId: job.id, state: job.state } }));
    // From 0: a run picked up after a reload shows everything it did before, not just what comes next.
    const watch = client().stream('jobs.watch', { jobId: job.id, after: 0 }, { signal: controller.signal });
    for await (const event of watch) if (mine() && event.kind === 'agent') updateLive(job.id, (run) => withJobEvent(run, event));
    const info = await watch.result;
    if (!mine() || info.kind !== 'agent') return;
    updateLive(job.id, () => ({ state: info.state, ...(info.error ? { error: info.error } : {}) }));
    if (info.state === 'done' && info.result) await finishLive(job.id, info.result.conversationId);
  } catch (error) {
    if (!mine()) return;
    const payload = describe(error);
    if (runId) updateLive(runId, () => ({ error: payload }));
    else useAgentsStore.setState((state) => ({ live: state.live && { ...state.live, state: 'failed', error: payload } }));
  } finally {
    if (following === controller) following = undefined;
  }
}

/** The run's answer is stored: the conversation is read again (the question and the answer as kept), and the run's story stays beside it. */
async function finishLive(runId: string, conversationId: string): Promise<void> {
  const messages = await client().call('conversations.messages', { conversationId });
  const live = useAgentsStore.getState().live;
  if (live?.runId !== runId) return;
  useChatStore.setState({ conversationId, messages });
  useAgentsStore.setState((state) => ({ live: null, replays: withEntry<ReplayedRun>(state.replays, runId, { status: 'ready', run: live }) }));
}

function updateLive(runId: string, change: (run: AgentRun) => Partial<AgentRun>): void {
  useAgentsStore.setState((state) => (state.live?.runId === runId ? { live: { ...state.live, ...change(state.live) } } : {}));
}

function setReplay(runId: string, replay: ReplayedRun | undefined): void {
  useAgentsStore.setState((state) => ({ replays: withEntry(state.replays, runId, replay) }));
}

/** Opens the report a run made on the Reports page, where its files are. */
export async function openRunReport(reportId: string): Promise<void> {
  useViewStore.setState({ view: 'reports' });
  await showReports(); // the page's first opening reads the space's reports (and would close one opened before)
  await openReport(reportId);
}
