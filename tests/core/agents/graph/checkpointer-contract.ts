/**
 * The contract every Checkpointer keeps, as one suite run against each implementation (LangGraph's
 * checkpoint-validation suite does the same): the latest checkpoint of a run is the last one put, whole and
 * unchanged by what its writer does to its objects afterwards; runs and threads are kept apart; a run's history
 * is in order and bounded; a deleted run is gone.
 */
import { describe, expect, it } from 'vitest';
import type { Checkpoint, Checkpointer } from '../../../../app/core/agents/graph/index.js';

export interface CheckpointerUnderTest {
  checkpointer: Checkpointer;
  /** The same store as another process would open it after a restart (the same object, for one kept in memory). */
  reopen(): Promise<Checkpointer>;
}

const thread = 'local:local:space-1:thread-1';

export function checkpoint(runId: string, step: number, fields: Partial<Checkpoint> = {}): Checkpoint {
  return {
    threadKey: thread,
    runId,
    step,
    status: 'running',
    state: { messages: [`after step ${step}`], count: step },
    next: ['think'],
    pendingWrites: [],
    resumes: {},
    usage: { steps: step, tokens: step * 10, ms: step * 5 },
    limits: { maxSteps: 25 },
    allowed: { maxSteps: 25 },
    createdAt: new Date(Date.UTC(2026, 11, 2, 6, 0, step)).toISOString(),
    ...fields,
  };
}

export function checkpointerContract(name: string, arrange: (options: { keepPerRun?: number }) => Promise<CheckpointerUnderTest>): void {
  describe(`${name} (checkpointer contract)`, () => {
    it('has nothing for a run that never ran', async () => {
      const { checkpointer } = await arrange({});
      expect(await checkpointer.latest(thread, 'never')).toBeUndefined();
      expect(await checkpointer.history(thread, 'never')).toEqual([]);
      expect(await checkpointer.runs(thread)).toEqual([]);
    });

    it('gives back the last checkpoint put, whole, after a reopen too', async () => {
      const under = await arrange({});
      const interrupted = checkpoint('run-1', 2, {
        status: 'interrupted',
        interrupt: { id: '3:approve:1', node: 'approve', request: { tool: 'tasks', input: { title: 'Sign — договор' } } },
        pendingWrites: [{ node: 'notes', update: { notes: ['kept'] } }],
        resumes: { approve: [{ approved: true }] },
        allowed: { maxSteps: 50, maxTokens: 1000 },
        limits: { maxSteps: 25, maxTokens: 500 },
      });
      await under.checkpointer.put(checkpoint('run-1', 0));
      await under.checkpointer.put(checkpoint('run-1', 1));
      await under.checkpointer.put(interrupted);
      expect(await under.checkpointer.latest(thread, 'run-1')).toEqual(interrupted);
      const reopened = await under.reopen();
      expect(await reopened.latest(thread, 'run-1')).toEqual(interrupted);
      expect((await reopened.history(thread, 'run-1')).map((cp) => cp.step)).toEqual([0, 1, 2]);
    });

    it('keeps a copy: changing the objects after put does not change what was kept', async () => {
      const { checkpointer } = await arrange({});
      const kept = checkpoint('run-1', 1);
      await checkpointer.put(kept);
      (kept.state as { messages: string[] }).messages.push('changed later');
      expect((await checkpointer.latest(thread, 'run-1'))!.state).toEqual({ messages: ['after step 1'], count: 1 });
    });

    it('keeps runs and threads apart', async () => {
      const { checkpointer } = await arrange({});
      await checkpointer.put(checkpoint('run-1', 3));
      await checkpointer.put(checkpoint('run-2', 4));
      await checkpointer.put({ ...checkpoint('run-1', 7), threadKey: 'local:local:space-1:thread-2' });
      expect((await checkpointer.latest(thread, 'run-1'))!.step).toBe(3);
      expect((await checkpointer.latest(thread, 'run-2'))!.step).toBe(4);
      expect((await checkpointer.latest('local:local:space-1:thread-2', 'run-1'))!.step).toBe(7);
      expect(await checkpointer.runs(thread)).toEqual(['run-1', 'run-2']);
    });

    it('keeps only the last checkpoints of a long run, the latest always', async () => {
      const { checkpointer } = await arrange({ keepPerRun: 3 });
      for (let step = 0; step < 8; step++) await checkpointer.put(checkpoint('run-1', step));
      expect((await checkpointer.history(thread, 'run-1')).map((cp) => cp.step)).toEqual([5, 6, 7]);
      expect((await checkpointer.latest(thread, 'run-1'))!.step).toBe(7);
    });

    it('forgets a deleted run and only it', async () => {
      const { checkpointer } = await arrange({});
      await checkpointer.put(checkpoint('run-1', 1));
      await checkpointer.put(checkpoint('run-2', 1));
      await checkpointer.deleteRun(thread, 'run-1');
      expect(await checkpointer.latest(thread, 'run-1')).toBeUndefined();
      expect(await checkpointer.runs(thread)).toEqual(['run-2']);
    });
  });
}
