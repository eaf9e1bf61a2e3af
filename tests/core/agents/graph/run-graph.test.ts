/**
 * The graph runtime on a real database: channels with and without reducers, conditional edges and branches whose
 * updates merge in a fixed order, a graph checked before it runs, a node's error failing the run with that error,
 * cancellation, and a checkpoint after every step that a run started again (after a crash) goes on from.
 */
import { describe, expect, it } from 'vitest';
import { END, START, StateGraph, type CompiledGraph } from '../../../../app/core/agents/graph/index.js';
import { arrangeCheckpoints, live, threadKey } from './fixtures.js';

interface Kitchen {
  log: string[];
  dish: string;
  count: number;
}

const kitchenChannels = {
  log: { default: () => [] as string[], reducer: (current: string[], update: string[]) => [...current, ...update] },
  dish: { default: () => '' },
  count: { default: () => 0, reducer: (current: number, update: number) => current + update },
};

const limits = { maxSteps: 25 };

describe('a graph run', () => {
  it('merges updates through reducers, replaces channels without one, and follows conditional edges to END', async () => {
    const { checkpointer } = await arrangeCheckpoints();
    const graph = new StateGraph<Kitchen>({ channels: kitchenChannels })
      .addNode('stir', () => ({ log: ['stir'], count: 1 }))
      .addNode('taste', (state) => ({ log: [`taste ${state.count}`], dish: state.count >= 3 ? 'soup' : 'not yet' }))
      .addEdge(START, 'stir')
      .addEdge('stir', 'taste')
      .addConditionalEdges('taste', (state) => (state.dish === 'soup' ? END : 'stir'), ['stir', END])
      .compile();

    const outcome = await graph.run({ runId: 'run-1', threadKey, input: { log: ['start'] }, checkpointer, signal: live(), limits });

    expect(outcome).toEqual({ status: 'done', state: { log: ['start', 'stir', 'taste 1', 'stir', 'taste 2', 'stir', 'taste 3'], dish: 'soup', count: 3 } });
    const history = await checkpointer.history(threadKey, 'run-1');
    expect(history.map((cp) => [cp.step, cp.next])).toEqual([
      [0, ['stir']],
      [1, ['taste']],
      [2, ['stir']],
      [3, ['taste']],
      [4, ['stir']],
      [5, ['taste']],
      [6, []],
    ]);
    expect(history.at(-1)!.status).toBe('done');
  });

  it('runs branches in the same step and merges their updates in the order the nodes were added', async () => {
    const { checkpointer } = await arrangeCheckpoints();
    const seen: string[] = [];
    const graph = new StateGraph<Kitchen>({ channels: kitchenChannels })
      .addNode('plan', () => ({ log: ['plan'] }))
      .addNode('chop', async (state, ctx) => {
        await new Promise((resolve) => setTimeout(resolve, 20)); // finishes last, merges first
        seen.push(`chop saw ${state.log.join(',')} in step ${ctx.step}`);
        return { log: ['chop'], count: 2, dish: 'chopped' };
      })
      .addNode('boil', (state, ctx) => {
        seen.push(`boil saw ${state.log.join(',')} in step ${ctx.step}`);
        return { log: ['boil'], count: 5, dish: 'boiled' };
      })
      .addNode('serve', (state) => ({ log: [`serve ${state.count}`] }))
      .addEdge(START, 'plan')
      .addConditionalEdges('plan', () => ['boil', 'chop'], ['chop', 'boil'])
      .addEdge('chop', 'serve')
      .addEdge('boil', 'serve')
      .addEdge('serve', END)
      .compile();

    const outcome = await graph.run({ runId: 'run-1', threadKey, checkpointer, signal: live(), limits });

    expect(seen.sort()).toEqual(['boil saw plan in step 2', 'chop saw plan in step 2']);
    // chop was added before boil: its update goes first, whatever finished first; serve runs once, after both.
    expect(outcome.state).toEqual({ log: ['plan', 'chop', 'boil', 'serve 7'], count: 7, dish: 'boiled' });
    expect((await checkpointer.history(threadKey, 'run-1')).map((cp) => cp.next)).toEqual([['plan'], ['chop', 'boil'], ['serve'], []]);
  });

  it('fails with the error of a node that throws, keeping the checkpoint of the step before it', async () => {
    const { checkpointer } = await arrangeCheckpoints();
    const burnt = new Error('the oven caught fire');
    const graph = new StateGraph<Kitchen>({ channels: kitchenChannels })
      .addNode('stir', () => ({ log: ['stir'] }))
      .addNode('bake', () => {
        throw burnt;
      })
      .addEdge(START, 'stir')
      .addEdge('stir', 'bake')
      .addEdge('bake', END)
      .compile();

    await expect(graph.run({ runId: 'run-1', threadKey, checkpointer, signal: live(), limits })).rejects.toBe(burnt);
    expect(await checkpointer.latest(threadKey, 'run-1')).toMatchObject({ step: 1, next: ['bake'], state: { log: ['stir'] }, status: 'running' });
  });

  it('names a node that updates a channel the state does not have, or a router that chooses a node that does not exist', async () => {
    const { checkpointer } = await arrangeCheckpoints();
    const stray = new StateGraph<Kitchen>({ channels: kitchenChannels })
      .addNode('stir', () => ({ spoon: 'wooden' }) as never)
      .addEdge(START, 'stir')
      .addEdge('stir', END)
      .compile();
    await expect(stray.run({ runId: 'run-1', threadKey, checkpointer, signal: live(), limits })).rejects.toThrow(/Node "stir" updated "spoon", which is not a channel of the state \(channels: log, dish, count\)/);

    const lost = new StateGraph<Kitchen>({ channels: kitchenChannels })
      .addNode('stir', () => ({}))
      .addEdge(START, 'stir')
      .addConditionalEdges('stir', () => 'fridge')
      .compile();
    await expect(lost.run({ runId: 'run-2', threadKey, checkpointer, signal: live(), limits })).rejects.toThrow(/chose "fridge", which is not a node/);
  });

  it('stops with CANCELLED when its signal aborts, and goes on from its checkpoint when run again', async () => {
    const { checkpointer } = await arrangeCheckpoints();
    const controller = new AbortController();
    let first = true;
    const graph = new StateGraph<Kitchen>({ channels: kitchenChannels })
      .addNode('stir', () => ({ log: ['stir'] }))
      .addNode('wait', (_state, ctx) => {
        if (!first) return { log: ['waited'] };
        first = false;
        // Waits on something that stops at the signal, as a model call does, and the user cancels meanwhile.
        const waiting = new Promise<never>((_resolve, reject) => ctx.signal.addEventListener('abort', () => reject(new Error('stopped waiting'))));
        controller.abort();
        return waiting;
      })
      .addEdge(START, 'stir')
      .addEdge('stir', 'wait')
      .addEdge('wait', END)
      .compile();

    await expect(graph.run({ runId: 'run-1', threadKey, checkpointer, signal: controller.signal, limits })).rejects.toMatchObject({ code: 'CANCELLED' });
    await expect(graph.run({ runId: 'run-1', threadKey, checkpointer, signal: controller.signal, limits })).rejects.toMatchObject({ code: 'CANCELLED' });
    const again = await graph.run({ runId: 'run-1', threadKey, checkpointer, signal: live(), limits });
    expect(again).toEqual({ status: 'done', state: { log: ['stir', 'waited'], dish: '', count: 0 } });
  });

  it('names the node a checkpoint goes on with when this version of the graph no longer has it', async () => {
    const { checkpointer } = await arrangeCheckpoints();
    const controller = new AbortController();
    const older = new StateGraph<Kitchen>({ channels: kitchenChannels })
      .addNode('stir', () => (controller.abort(), { log: ['stir'] }))
      .addNode('simmer', () => ({ log: ['simmer'] }))
      .addEdge(START, 'stir')
      .addEdge('stir', 'simmer')
      .addEdge('simmer', END)
      .compile();
    await expect(older.run({ runId: 'run-1', threadKey, checkpointer, signal: controller.signal, limits })).rejects.toMatchObject({ code: 'CANCELLED' });

    const newer = new StateGraph<Kitchen>({ channels: kitchenChannels }).addNode('stir', () => ({ log: ['stir'] })).addEdge(START, 'stir').addEdge('stir', END).compile();
    await expect(newer.run({ runId: 'run-1', threadKey, checkpointer, signal: live(), limits })).rejects.toThrow(/goes on with "simmer", which this graph has no longer/);
  });

  it('after a crash in the middle of a step, runs again from the last checkpoint: steps done are not done twice', async () => {
    const arrangement = await arrangeCheckpoints();
    const ran: string[] = [];
    let crash = true;
    const graph = (): CompiledGraph<Kitchen> =>
      new StateGraph<Kitchen>({ channels: kitchenChannels })
        .addNode('weigh', () => (ran.push('weigh'), { log: ['weigh'], count: 1 }))
        .addNode('knead', () => (ran.push('knead'), { log: ['knead'], count: 1 }))
        .addNode('bake', () => {
          ran.push('bake');
          // The first process dies here: this step's promise never settles and its database is dropped.
          if (crash) return new Promise(() => undefined);
          return { log: ['bake'], dish: 'bread' };
        })
        .addEdge(START, 'weigh')
        .addEdge('weigh', 'knead')
        .addEdge('knead', 'bake')
        .addEdge('bake', END)
        .compile();
    void graph().run({ runId: 'run-1', threadKey, checkpointer: arrangement.checkpointer, signal: live(), limits });
    await expect.poll(() => ran).toContain('bake');

    crash = false;
    const outcome = await graph().run({ runId: 'run-1', threadKey, checkpointer: arrangement.reopen(), signal: live(), limits });

    expect(outcome).toEqual({ status: 'done', state: { log: ['weigh', 'knead', 'bake'], dish: 'bread', count: 2 } });
    expect(ran).toEqual(['weigh', 'knead', 'bake', 'bake']);
    // Running a finished run again gives its result without running anything.
    expect(await graph().run({ runId: 'run-1', threadKey, checkpointer: arrangement.reopen(), signal: live(), limits })).toEqual(outcome);
    expect(ran).toHaveLength(4);
  });

  it('tells each step to onStep after its checkpoint is written', async () => {
    const { checkpointer } = await arrangeCheckpoints();
    const reports: string[] = [];
    const graph = new StateGraph<Kitchen>({ channels: kitchenChannels })
      .addNode('stir', () => ({ count: 1 }))
      .addNode('taste', () => ({ count: 1 }))
      .addEdge(START, 'stir')
      .addEdge('stir', 'taste')
      .addEdge('taste', END)
      .compile();
    await graph.run({
      runId: 'run-1',
      threadKey,
      checkpointer,
      signal: live(),
      limits,
      onStep: async (report) => {
        const stored = await checkpointer.latest(threadKey, 'run-1');
        reports.push(`${report.step} ${report.nodes.join('+')} count ${report.state.count} stored ${stored!.step} next ${report.next.join('+') || 'none'}`);
      },
    });
    expect(reports).toEqual(['1 stir count 1 stored 1 next taste', '2 taste count 2 stored 2 next none']);
  });

  it('refuses a thread key that is not {org:team:channel:thread}', async () => {
    const { checkpointer } = await arrangeCheckpoints();
    const graph = new StateGraph<Kitchen>({ channels: kitchenChannels }).addNode('stir', () => ({})).addEdge(START, 'stir').addEdge('stir', END).compile();
    await expect(graph.run({ runId: 'run-1', threadKey: 'conversation-1', checkpointer, signal: live(), limits })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringContaining('{org:team:channel:thread}'),
    });
  });
});

describe('compiling a graph', () => {
  const empty = () => new StateGraph<Kitchen>({ channels: kitchenChannels });

  it('names an edge to a node that does not exist', () => {
    expect(() => empty().addNode('stir', () => ({})).addEdge(START, 'stir').addEdge('stir', 'oven').compile()).toThrow(
      /the edge from "stir" leads to "oven", which is not a node \(nodes: "stir"\)/,
    );
  });

  it('names nodes no path reaches', () => {
    expect(() => empty().addNode('stir', () => ({})).addNode('garnish', () => ({})).addEdge(START, 'stir').addEdge('stir', END).addEdge('garnish', END).compile()).toThrow(
      /no path from START reaches "garnish"/,
    );
  });

  it('names nodes with no way to END', () => {
    expect(() =>
      empty()
        .addNode('stir', () => ({}))
        .addNode('taste', () => ({}))
        .addEdge(START, 'stir')
        .addEdge('stir', 'taste')
        .addEdge('taste', 'stir')
        .compile(),
    ).toThrow(/from "stir", "taste" there is no way to END/);
  });

  it('asks for an edge from START, and refuses reserved or repeated names', () => {
    expect(() => empty().addNode('stir', () => ({})).addEdge('stir', END).compile()).toThrow(/nothing leaves START/);
    expect(() => empty().addNode(END, () => ({}))).toThrow(/reserved/);
    expect(() => empty().addNode('stir', () => ({})).addNode('stir', () => ({}))).toThrow(/a node "stir" already/);
  });
});
