/**
 * What the agents tests share: a Hearth on a temp folder with documents in a space, a language model configured
 * as a user does it whose lease hands out a scripted model (the one place the tests script), and an agent run
 * followed until it waits or ends — its events, its journal's steps, its state.
 */
import { writeFile } from 'node:fs/promises';
import { expect } from 'vitest';
import path from 'node:path';
import type { Hearth } from '../../../app/core/index.js';
import type { ChatEvent, ChatModel, ChatRequest } from '../../../app/core/models/index.js';
import type { AgentEvent, AgentWait, JobEvent, JobInfoOf } from '../../../schemas/index.js';
import { ingestFile, openTempHearth } from '../../fixtures/hearth-runner.js';
import { useScriptedModel } from '../reports/report-runner.js';

export { useScriptedModel };

/** A Hearth with a space "Work" holding `documents` (name → Markdown text). */
export async function openAgentsHearth(documents: readonly { name: string; text: string }[]) {
  const opened = await openTempHearth('Work');
  const ids: Record<string, string> = {};
  for (const document of documents) {
    const file = path.join(opened.temp.dir, document.name);
    await writeFile(file, document.text);
    ids[document.name] = (await ingestFile(opened.hearth, opened.spaceId, { kind: 'path', path: file })).result.document.id;
  }
  return { ...opened, documentIds: ids };
}

export interface RunSoFar {
  info: JobInfoOf<'agent'>;
  /** The run's events from the start of its journal. */
  events: AgentEvent[];
  /** The journal's steps, in order. */
  steps: string[];
  /** What it waits for, when it is waiting. */
  wait: AgentWait | undefined;
}

/** Follows a run (from the start of its journal) until it waits or ends. */
export async function untilSettled(hearth: Hearth, runId: string): Promise<RunSoFar> {
  const watch = hearth.stream('jobs.watch', { jobId: runId });
  const journal: JobEvent[] = [];
  for (;;) {
    const next = await watch.next();
    if (next.done) break;
    const event = next.value;
    journal.push(event);
    // Waiting is not an end: a watcher stays for the resume. This one leaves when it is the run's latest word.
    if (event.type === 'state' && event.state === 'waiting' && (await hearth.call('jobs.get', { jobId: runId })).lastSeq === event.seq) {
      await watch.return(undefined as never);
      break;
    }
  }
  const info = (await hearth.call('jobs.get', { jobId: runId })) as JobInfoOf<'agent'>;
  const { wait } = await hearth.call('agents.pending', { runId });
  return {
    info,
    events: journal.flatMap((event) => (event.type === 'progress' && event.kind === 'agent' ? [event.progress] : [])),
    steps: journal.flatMap((event) => (event.type === 'step' ? [event.step] : [])),
    wait,
  };
}

/** Approves (or denies) what the run waits for, then follows it until it waits or ends again. */
export async function answerApproval(hearth: Hearth, run: RunSoFar, decision: 'approve' | 'deny', options: { input?: unknown; always?: boolean } = {}): Promise<RunSoFar> {
  if (run.wait?.kind !== 'approval') throw new Error(`the run waits for ${run.wait?.kind ?? 'nothing'}, not an approval`);
  await hearth.call('agents.answer', {
    runId: run.info.id,
    answer: { kind: 'approval', approvalId: run.wait.approval.approvalId, decision, ...(options.input !== undefined ? { input: options.input } : {}), always: options.always ?? false },
  });
  return untilSettled(hearth, run.info.id);
}

export const ofType = <T extends AgentEvent['type']>(events: readonly AgentEvent[], type: T) => events.filter((event): event is Extract<AgentEvent, { type: T }> => event.type === type);

/** What a scripted planner does in one turn: text, tool calls (any name: a model may call a tool it was not offered), warnings. */
export type RawTurn = string | { text?: string; calls?: { name: string; input: unknown; id?: string }[]; warnings?: { message: string; raw?: string }[] };

/**
 * A model at the boundary that plays a planner from a script: `plan` answers the plan requests in order (the
 * last one again when they run out); `steps[n]` the turns of step n+1 in order (a turn past the last: "Done.").
 * Unlike ScriptedChatModel it yields exactly what it is given, a call to an unknown tool included.
 */
export class PlannerScript implements ChatModel {
  readonly id = 'planner-script';
  readonly requests: ChatRequest[] = [];
  private plans = 0;
  private readonly turnsOf = new Map<number, number>();
  private calls = 0;

  constructor(private readonly script: { plan: string[]; steps: RawTurn[][] }) {}

  async *chat(request: ChatRequest): AsyncGenerator<ChatEvent> {
    this.requests.push(request);
    const usage = { promptTokens: 10, completionTokens: 5, timeToFirstTokenMs: 1 };
    if (request.responseFormat) {
      const plan = this.script.plan[Math.min(this.plans++, this.script.plan.length - 1)]!;
      yield { type: 'text', text: plan };
      yield { type: 'finish', reason: 'stop', usage };
      return;
    }
    const brief = request.messages.find((message) => message.role === 'user')?.content ?? '';
    const step = Number(/Now do step (\d+):/.exec(brief)?.[1] ?? 0) - 1;
    // A step's turns are counted by the model turns already in its transcript.
    const turn = request.messages.filter((message) => message.role === 'assistant').length;
    this.turnsOf.set(step, turn + 1);
    const scripted = this.script.steps[step]?.[turn] ?? 'Done.';
    const { text = '', calls = [], warnings = [] } = typeof scripted === 'string' ? { text: scripted } : scripted;
    if (text) yield { type: 'text', text };
    for (const warning of warnings) yield { type: 'warning', ...warning };
    for (const call of calls) yield { type: 'tool-call', id: call.id ?? `call_${++this.calls}`, name: call.name, input: call.input };
    yield { type: 'finish', reason: calls.length ? 'tool-calls' : 'stop', usage };
  }

  async dispose(): Promise<void> {}
}

/** The run ended done (its error, if it failed, is what the assertion shows). */
export function expectDone(run: RunSoFar): void {
  expect(run.info.error).toBeUndefined();
  expect(run.info.state).toBe('done');
}
