/**
 * The runtime on the jobs module, as the agents use it: a graph run is a job; when the graph interrupts, the job
 * waits (its slot free, nothing running); after Hearth is closed and started again it is still waiting; the
 * answer resumes the job, whose run goes on from the checkpoint — no step before the question runs twice.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { END, START, SqliteCheckpointer, StateGraph } from '../../../../app/core/agents/graph/index.js';
import type { JobKind } from '../../../../app/core/jobs/index.js';
import { HearthError } from '../../../../schemas/index.js';
import { ann, arrangeJobs } from '../../../fixtures/held-jobs.js';

interface Errand {
  log: string[];
}

describe('a graph run as a job', () => {
  it('waits at an interrupt, stays waiting across a restart, and finishes when answered, each step once', async () => {
    const arrangement = await arrangeJobs();
    const ran: string[] = [];
    const answers = new Map<string, { value: unknown; for: string }>();
    const graph = new StateGraph<Errand>({ channels: { log: { default: () => [], reducer: (current: string[], update: string[]) => [...current, ...update] } } })
      .addNode('create task', () => (ran.push('create task'), { log: ['task created'] }))
      .addNode('approve email', (_state, ctx) => {
        ran.push('approve email');
        return { log: [ctx.interrupt<{ approved: boolean }>({ tool: 'email_draft' }).approved ? 'email drafted' : 'email denied'] };
      })
      .addEdge(START, 'create task')
      .addEdge('create task', 'approve email')
      .addEdge('approve email', END)
      .compile();
    const kind: JobKind<{ threadKey: string }, { waitingFor: string }, { log: string[] }> = {
      kind: 'agent',
      params: z.object({ threadKey: z.string() }),
      progress: z.object({ waitingFor: z.string() }),
      result: z.object({ log: z.array(z.string()) }),
      async run(job) {
        const answer = answers.get(job.id);
        const outcome = await graph.run({
          runId: job.id,
          threadKey: job.params.threadKey,
          checkpointer: new SqliteCheckpointer(arrangement.db),
          signal: job.signal,
          limits: { maxSteps: 10 },
          ...(answer ? { resume: answer.value, resumeFor: answer.for } : {}),
        });
        if (outcome.status === 'interrupted') {
          // What it waits for, then the pause, with nothing awaited in between.
          job.progress({ waitingFor: outcome.interruptId });
          job.wait();
        }
        return { log: outcome.state.log };
      },
    };
    let jobs = arrangement.open();
    jobs.register(kind);
    const job = jobs.start('agent', { spaceId: arrangement.spaceId, title: 'Errand', subject: 'errand', params: { threadKey: 'local:local:kitchen:errand' }, caller: ann });
    await expect.poll(() => jobs.get(job.id).state).toBe('waiting');
    const waitingFor = (jobs.get(job.id).progress as unknown as { waitingFor: string }).waitingFor;

    jobs = await arrangement.restart(jobs);
    jobs.register(kind);
    await jobs.recover();
    expect(jobs.get(job.id).state).toBe('waiting');
    expect(ran).toEqual(['create task', 'approve email']);

    answers.set(job.id, { value: { approved: true }, for: waitingFor });
    jobs.resume(job.id);

    expect(await jobs.outcome(job.id)).toEqual({ log: ['task created', 'email drafted'] });
    expect(ran).toEqual(['create task', 'approve email', 'approve email']);
  });

  it('refuses a saved state that no longer fits the graph’s schema, saying where', async () => {
    const arrangement = await arrangeJobs();
    const checkpointer = new SqliteCheckpointer(arrangement.db);
    const graph = new StateGraph<Errand>({ channels: { log: { default: () => [] } }, schema: z.object({ log: z.array(z.string()) }) })
      .addNode('note', (_state, ctx) => ({ log: [ctx.interrupt<string>('What note?')] }))
      .addEdge(START, 'note')
      .addEdge('note', END)
      .compile();
    const threadKey = 'local:local:kitchen:notes';
    await graph.run({ runId: 'run-1', threadKey, checkpointer, signal: new AbortController().signal, limits: { maxSteps: 5 } });
    const saved = await checkpointer.latest(threadKey, 'run-1');
    await checkpointer.put({ ...saved!, state: { log: 'not a list' } });

    const error = await graph.run({ runId: 'run-1', threadKey, checkpointer, signal: new AbortController().signal, limits: { maxSteps: 5 }, resume: 'milk' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(HearthError);
    expect((error as HearthError).message).toMatch(/saved state does not fit this graph's state \(log: /);
  });
});
