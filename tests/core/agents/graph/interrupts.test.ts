/**
 * Pausing and going on: a node asks (an approval, an input) and the run returns `interrupted` with its request;
 * after the database is closed and opened again the run still waits for the same thing, and resuming it runs the
 * node again with the answer. A run that reaches its step, time or token limit pauses the same way and asks
 * whether to go on — it never fails for having looped too long.
 */
import { describe, expect, it } from 'vitest';
import { END, START, StateGraph } from '../../../../app/core/agents/graph/index.js';
import { arrangeCheckpoints, live, threadKey } from './fixtures.js';

interface Errand {
  log: string[];
  approved: string[];
  rounds: number;
}

const channels = {
  log: { default: () => [] as string[], reducer: (current: string[], update: string[]) => [...current, ...update] },
  approved: { default: () => [] as string[], reducer: (current: string[], update: string[]) => [...current, ...update] },
  rounds: { default: () => 0, reducer: (current: number, update: number) => current + update },
};

const limits = { maxSteps: 25 };

describe('an interrupt', () => {
  it('pauses the run, survives a reopened database, and resumes the node with the answer', async () => {
    const arrangement = await arrangeCheckpoints();
    const calls: string[] = [];
    const graph = new StateGraph<Errand>({ channels })
      .addNode('draft', () => ({ log: ['draft'] }))
      .addNode('approve', (_state, ctx) => {
        calls.push('approve');
        const answer = ctx.interrupt<{ approved: boolean }>({ kind: 'approval', tool: 'tasks', input: { title: 'Sign the lease' } });
        return { log: [answer.approved ? 'approved' : 'denied'] };
      })
      .addEdge(START, 'draft')
      .addEdge('draft', 'approve')
      .addEdge('approve', END)
      .compile();

    const paused = await graph.run({ runId: 'run-1', threadKey, checkpointer: arrangement.checkpointer, signal: live(), limits });
    expect(paused).toEqual({
      status: 'interrupted',
      state: { log: ['draft'], approved: [], rounds: 0 },
      request: { kind: 'approval', tool: 'tasks', input: { title: 'Sign the lease' } },
      interruptId: '2:approve:0',
    });

    const checkpointer = arrangement.reopen();
    // Run again without an answer (a restart recovering the job): still waiting for the same thing.
    expect(await graph.run({ runId: 'run-1', threadKey, checkpointer, signal: live(), limits })).toEqual(paused);
    const done = await graph.run({ runId: 'run-1', threadKey, checkpointer, signal: live(), limits, resume: { approved: true } });

    expect(done).toEqual({ status: 'done', state: { log: ['draft', 'approved'], approved: [], rounds: 0 } });
    expect(calls).toEqual(['approve', 'approve']);
    // A stale answer given again to a finished run changes nothing.
    expect(await graph.run({ runId: 'run-1', threadKey, checkpointer, signal: live(), limits, resume: { approved: false } })).toEqual(done);
  });

  it('matches several interrupts of one node to their answers by order', async () => {
    const { checkpointer } = await arrangeCheckpoints();
    const graph = new StateGraph<Errand>({ channels })
      .addNode('ask', (_state, ctx) => {
        const who = ctx.interrupt<string>('Who signs?');
        const when = ctx.interrupt<string>(`When does ${who} sign?`);
        return { log: [`${who} signs on ${when}`] };
      })
      .addEdge(START, 'ask')
      .addEdge('ask', END)
      .compile();
    const run = (resume?: unknown) => graph.run({ runId: 'run-1', threadKey, checkpointer, signal: live(), limits, resume });

    expect(await run()).toMatchObject({ status: 'interrupted', request: 'Who signs?' });
    expect(await run('Ann')).toMatchObject({ status: 'interrupted', request: 'When does Ann sign?' });
    expect(await run('2026-12-15')).toMatchObject({ status: 'done', state: { log: ['Ann signs on 2026-12-15'] } });
  });

  it('takes an answer only for the question it names, so an answer passed again after a crash is not taken for the next one', async () => {
    const { checkpointer } = await arrangeCheckpoints();
    const graph = new StateGraph<Errand>({ channels })
      .addNode('ask', (_state, ctx) => ({ log: [ctx.interrupt<string>('Who signs?'), ctx.interrupt<string>('Who witnesses?')] }))
      .addEdge(START, 'ask')
      .addEdge('ask', END)
      .compile();
    const run = (resume?: unknown, resumeFor?: string) => graph.run({ runId: 'run-1', threadKey, checkpointer, signal: live(), limits, resume, resumeFor });

    const first = await run();
    expect(first).toMatchObject({ status: 'interrupted', request: 'Who signs?', interruptId: '1:ask:0' });
    const second = await run('Ann', '1:ask:0');
    expect(second).toMatchObject({ status: 'interrupted', request: 'Who witnesses?', interruptId: '1:ask:1' });
    // The job is run again after a crash with the answer it held: the run goes on waiting for the second one.
    expect(await run('Ann', '1:ask:0')).toEqual(second);
    expect(await run('Bob', '1:ask:1')).toMatchObject({ status: 'done', state: { log: ['Ann', 'Bob'] } });
  });

  it('in one branch keeps the update of the other branch, which does not run again', async () => {
    const { checkpointer } = await arrangeCheckpoints();
    const calls: string[] = [];
    const graph = new StateGraph<Errand>({ channels })
      .addNode('search', () => (calls.push('search'), { log: ['searched'] }))
      .addNode('book', (_state, ctx) => {
        calls.push('book');
        return { approved: [ctx.interrupt<string>('Book the room?')] };
      })
      .addNode('report', (state) => ({ log: [`report: ${state.log.join(', ')}; ${state.approved.join(', ')}`] }))
      .addConditionalEdges(START, () => ['search', 'book'], ['search', 'book'])
      .addEdge('search', 'report')
      .addEdge('book', 'report')
      .addEdge('report', END)
      .compile();

    expect(await graph.run({ runId: 'run-1', threadKey, checkpointer, signal: live(), limits })).toMatchObject({ status: 'interrupted', request: 'Book the room?' });
    const done = await graph.run({ runId: 'run-1', threadKey, checkpointer, signal: live(), limits, resume: 'room booked' });

    expect(done.state.log).toEqual(['searched', 'report: searched; room booked']);
    expect(calls).toEqual(['search', 'book', 'book']);
  });
});

describe('a limit', () => {
  /** A loop that never ends on its own: a model that keeps calling tools, say. */
  const loop = () =>
    new StateGraph<Errand>({ channels })
      .addNode('think', (_state, ctx) => (ctx.addTokens(40), { rounds: 1 }))
      .addEdge(START, 'think')
      .addConditionalEdges('think', (state) => (state.rounds >= 100 ? END : 'think'), ['think', END])
      .compile();

  it('of steps pauses the run and asks; going on extends it by the original amount, stopping ends the run', async () => {
    const { checkpointer } = await arrangeCheckpoints();
    const graph = loop();
    const run = (resume?: unknown) => graph.run({ runId: 'run-1', threadKey, checkpointer, signal: live(), limits: { maxSteps: 5 }, resume });

    expect(await run()).toEqual({
      status: 'interrupted',
      state: { log: [], approved: [], rounds: 5 },
      request: { kind: 'limit', limit: 'steps', used: 5, allowed: 5 },
      interruptId: '5:limit:steps:5',
    });
    expect(await run({ continue: true })).toMatchObject({ status: 'interrupted', state: { rounds: 10 }, request: { kind: 'limit', limit: 'steps', used: 10, allowed: 10 } });
    await expect(run({ continue: 'maybe' })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('{ continue: true }') });
    expect(await run({ continue: false })).toEqual({ status: 'done', state: { log: [], approved: [], rounds: 10 } });
    expect((await checkpointer.latest(threadKey, 'run-1'))!.status).toBe('done');
  });

  it('of tokens pauses the run once the nodes have counted that many', async () => {
    const { checkpointer } = await arrangeCheckpoints();
    const outcome = await loop().run({ runId: 'run-1', threadKey, checkpointer, signal: live(), limits: { maxSteps: 1000, maxTokens: 100 } });
    expect(outcome).toMatchObject({ status: 'interrupted', state: { rounds: 3 }, request: { kind: 'limit', limit: 'tokens', used: 120, allowed: 100 } });
    const more = await loop().run({ runId: 'run-1', threadKey, checkpointer, signal: live(), limits: { maxSteps: 1000, maxTokens: 100 }, resume: { continue: true } });
    // Going on buys the original amount again, counted from what was used.
    expect(more).toMatchObject({ status: 'interrupted', state: { rounds: 6 }, request: { kind: 'limit', limit: 'tokens', used: 240, allowed: 220 } });
  });

  it('of time pauses the run between steps once it has run that long', async () => {
    const { checkpointer } = await arrangeCheckpoints();
    const slow = new StateGraph<Errand>({ channels })
      .addNode('read', async () => (await new Promise((resolve) => setTimeout(resolve, 30)), { rounds: 1 }))
      .addEdge(START, 'read')
      .addConditionalEdges('read', (state) => (state.rounds >= 2 ? END : 'read'), ['read', END])
      .compile();
    const outcome = await slow.run({ runId: 'run-1', threadKey, checkpointer, signal: live(), limits: { maxSteps: 10, maxMs: 10 } });
    expect(outcome).toMatchObject({ status: 'interrupted', state: { rounds: 1 }, request: { kind: 'limit', limit: 'time', allowed: 10 } });
    expect((outcome as { request: { used: number } }).request.used).toBeGreaterThanOrEqual(10);
    // Going on gives the run another 10 ms from what it used: enough to start the last step, which ends it.
    const more = await slow.run({ runId: 'run-1', threadKey, checkpointer, signal: live(), limits: { maxSteps: 10, maxMs: 10 }, resume: { continue: true } });
    expect(more).toMatchObject({ status: 'done', state: { rounds: 2 } });
  });

  it('refuses limits that are not positive numbers', async () => {
    const { checkpointer } = await arrangeCheckpoints();
    await expect(loop().run({ runId: 'run-1', threadKey, checkpointer, signal: live(), limits: { maxSteps: 0 } })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('maxSteps') });
  });
});
