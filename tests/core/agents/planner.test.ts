/**
 * The Planner/Executor over three ingested contracts, every part real but the model (scripted, playing a
 * capable planner): `/plan` → a plan of five steps → search → date_calc counts each term's days → creating each
 * task waits for the user's approval → approved (one with edited arguments, then "always" for the space) → the
 * tasks and calendar entries exist, with the dates date_calc gave → the report tool, approved in its turn, makes
 * the Milestone plan from those dates. A denied call is told to the model, which goes on.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Hearth } from '../../../app/core/index.js';
import { ScriptedChatModel } from '../../fixtures/scripted-models.js';
import { MilestonePlanner, contracts, deliveryDue, planRequest } from '../../e2e/milestone-story.js';
import { answerApproval, expectDone, ofType, openAgentsHearth, untilSettled, useScriptedModel } from './agent-runner.js';

let hearth: Hearth;
let spaceId: string;
let cleanup: () => Promise<void>;
let planner: MilestonePlanner;

beforeEach(async () => {
  const opened = await openAgentsHearth(contracts);
  hearth = opened.hearth;
  spaceId = opened.spaceId;
  cleanup = async () => {
    await hearth.dispose();
    await opened.temp.cleanup();
  };
  planner = new MilestonePlanner({
    task: ({ milestone, owner, due }) => ({ title: milestone, owner, due }),
    event: ({ milestone, due }) => ({ title: milestone, start: due }),
  });
  await useScriptedModel(hearth, new ScriptedChatModel((request) => planner.turn(request)));
});

afterEach(() => cleanup());

describe('the planner', () => {
  it('plans, searches, counts the dates with date_calc, and creates tasks only once each is approved', async () => {
    const started = await hearth.call('agents.run', { spaceId, request: planRequest });
    let run = await untilSettled(hearth, started.id);

    expect(ofType(run.events, 'route')[0]!.route).toMatchObject({ agent: 'planner', method: 'command' });
    const [plan] = ofType(run.events, 'plan');
    expect(plan!.steps.map((step) => step.title)).toHaveLength(5);
    const calls = ofType(run.events, 'tool-call');
    expect(calls.map((call) => call.tool)).toEqual(['search', 'date_calc', 'date_calc', 'date_calc', 'tasks']);
    expect(calls.at(-1)!.sideEffects).toBe(true);
    const results = ofType(run.events, 'tool-result');
    expect(results.every((result) => result.ok)).toBe(true);
    expect(planner.computed.get('Delivery')).toBe(deliveryDue);

    // The first side effect waits: the card names the tool, its arguments (the date date_calc gave) and the reason.
    expect(run.info.state).toBe('waiting');
    expect(run.wait?.kind).toBe('approval');
    if (run.wait?.kind !== 'approval') throw new Error('no approval');
    expect(run.wait.approval.tool).toBe('tasks');
    expect(JSON.stringify(run.wait.approval.input)).toContain(deliveryDue);
    expect(run.wait.approval.reason).toContain('delivery');
    expect(hearth.tasks.list(spaceId)).toHaveLength(0);

    // Approved with edited arguments (a note added to the installation): the edit is what is made.
    const proposed = run.wait.approval.input as { action: 'create'; tasks: { title: string }[] };
    const edited = { ...proposed, tasks: proposed.tasks.map((task) => (task.title === 'Installation' ? { ...task, notes: 'Edited by the user' } : task)) };
    run = await answerApproval(hearth, run, 'approve', { input: edited });
    expect(hearth.tasks.list(spaceId)).toHaveLength(3);

    // Then the calendar asks, and is allowed for the space from now on.
    if (run.wait?.kind !== 'approval') throw new Error('no calendar approval');
    expect(run.wait.approval.tool).toBe('calendar');
    expect(hearth.calendar.list(spaceId).events).toHaveLength(0);
    run = await answerApproval(hearth, run, 'approve', { always: true });
    expect(await hearth.call('agents.permissions', { spaceId })).toMatchObject([{ tool: 'calendar' }]);

    // Last, the report: its request carries the dates date_calc gave, and the plan it makes has them.
    if (run.wait?.kind !== 'approval') throw new Error('no report approval');
    expect(run.wait.approval.tool).toBe('report');
    expect(run.wait.approval.input).toMatchObject({ template_id: 'milestone-plan', request: expect.stringContaining(`Delivery (Ana) is due ${deliveryDue}`) });
    run = await answerApproval(hearth, run, 'approve');
    expectDone(run);

    const tasks = hearth.tasks.list(spaceId);
    expect(tasks.map((task) => [task.title, task.due]).sort()).toEqual(
      [...planner.computed.entries()].map(([milestone, due]) => [milestone, due]).sort(),
    );
    expect(tasks.find((task) => task.title === 'Installation')?.notes).toBe('Edited by the user');
    expect(hearth.calendar.list(spaceId).events).toHaveLength(3);
    const answered = ofType(run.events, 'answered').map((event) => event.decision);
    expect(answered).toEqual(['edited', 'approved', 'approved']);

    // The answer is the conversation's next message, by the planner, in this run, with its trace.
    const result = run.info.result!;
    expect(result.agent).toBe('planner');
    expect(result.taskIds).toHaveLength(3);
    expect(result.eventIds).toHaveLength(3);
    const report = await hearth.call('reports.get', { reportId: result.reportId! });
    expect(report.templateId).toBe('milestone-plan');
    const milestones = (report.value as { milestones: { title: string; due: string }[] }).milestones;
    expect(milestones.map((item) => [item.title, item.due])).toEqual([...planner.computed.entries()]);
    expect(report.artifacts.map((artifact) => artifact.format).sort()).toEqual(['docx', 'ics']);
    expect([...result.artifactIds].sort()).toEqual(report.artifacts.map((artifact) => artifact.id).sort());
    const messages = await hearth.call('conversations.messages', { conversationId: result.conversationId });
    expect(messages.map((message) => message.role)).toEqual(['user', 'assistant']);
    expect(messages[1]).toMatchObject({ id: result.messageId, agent: 'planner', runId: started.id, traceId: result.traceId });
    expect(messages[1]!.content).toContain('Delivery');
    expect(planner.unexpected).toEqual([]);
    // The trace: every model and tool call nests under the agent step that made it, the steps under the run.
    const trace = await hearth.call('traces.get', { traceId: result.traceId! });
    const byId = new Map(trace.spans.map((span) => [span.spanId, span]));
    const parentOf = (name: RegExp) => trace.spans.filter((span) => name.test(span.name)).map((span) => byId.get(span.parentSpanId ?? '')?.name);
    expect(parentOf(/^chat /).length).toBeGreaterThan(0);
    expect(new Set(parentOf(/^chat /).map((name) => name?.replace(/ .*/, '')))).toEqual(new Set(['agent.step']));
    expect(new Set(parentOf(/^execute_tool /).map((name) => name?.replace(/ .*/, '')))).toEqual(new Set(['agent.step']));
    expect(trace.spans.filter((span) => span.name === 'agent.step gate' && span.attributes['hearth.agent.interrupted'] === true).length).toBe(3);
    expect(trace.totals.llmCalls).toBeGreaterThan(0);
    // No step of the journal was done twice over the pauses.
    expect(new Set(run.steps).size).toBe(run.steps.length);
  }, 120_000);

  it('goes on when a call is denied: the model is told, and nothing is made for it', async () => {
    const started = await hearth.call('agents.run', { spaceId, request: planRequest });
    let run = await untilSettled(hearth, started.id);
    run = await answerApproval(hearth, run, 'deny');
    expect(ofType(run.events, 'answered').map((event) => event.decision)).toEqual(['denied']);
    const denied = ofType(run.events, 'tool-result').find((result) => result.tool === 'tasks');
    expect(denied).toMatchObject({ ok: false });
    expect(denied!.error).toContain('denied');
    // The model was told, and went on to the next step, whose side effect asks in its turn.
    if (run.wait?.kind !== 'approval') throw new Error('no approval');
    expect(run.wait.approval.tool).toBe('calendar');
    while (run.wait?.kind === 'approval') run = await answerApproval(hearth, run, 'deny');
    expectDone(run);
    expect(hearth.tasks.list(spaceId)).toHaveLength(0);
    expect(hearth.calendar.list(spaceId).events).toHaveLength(0);
  }, 120_000);

  it('lets a tool with a standing permission in the space run without asking, until the permission is revoked', async () => {
    const first = await untilSettled(hearth, (await hearth.call('agents.run', { spaceId, request: planRequest })).id);
    let run = await answerApproval(hearth, first, 'deny');
    run = await answerApproval(hearth, run, 'approve', { always: true });
    run = await answerApproval(hearth, run, 'deny'); // the report
    expectDone(run);
    expect(hearth.calendar.list(spaceId).events).toHaveLength(3);

    // The next run asks about the tasks again, but not about the calendar.
    run = await untilSettled(hearth, (await hearth.call('agents.run', { spaceId, request: planRequest, conversationId: run.info.result!.conversationId })).id);
    expect(run.wait?.kind === 'approval' && run.wait.approval.tool).toBe('tasks');
    run = await answerApproval(hearth, run, 'deny');
    expect(run.wait?.kind === 'approval' && run.wait.approval.tool).toBe('report');
    run = await answerApproval(hearth, run, 'deny');
    expectDone(run);
    expect(hearth.calendar.list(spaceId).events).toHaveLength(6);

    await hearth.call('agents.revokePermission', { spaceId, tool: 'calendar' });
    expect(await hearth.call('agents.permissions', { spaceId })).toEqual([]);
    run = await untilSettled(hearth, (await hearth.call('agents.run', { spaceId, request: planRequest })).id);
    run = await answerApproval(hearth, run, 'deny');
    expect(run.wait?.kind === 'approval' && run.wait.approval.tool).toBe('calendar');
  }, 120_000);

  it('says plainly that it needs a model when none is configured', async () => {
    const bare = await openAgentsHearth(contracts.slice(0, 1));
    try {
      const started = await bare.hearth.call('agents.run', { spaceId: bare.spaceId, request: planRequest });
      const run = await untilSettled(bare.hearth, started.id);
      expectDone(run);
      const messages = await bare.hearth.call('conversations.messages', { conversationId: run.info.result!.conversationId });
      expect(messages.at(-1)!.content).toContain('needs a language model');
    } finally {
      await bare.hearth.dispose();
      await bare.temp.cleanup();
    }
  }, 60_000);
});
