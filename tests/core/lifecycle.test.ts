/**
 * Lifetimes: a DisposableStore disposes what its owner added, last first, once, and every item even when some
 * fail; a Leased resource is opened once for every concurrent first caller and disposed only when it has been
 * retired and its last lease is returned (or at once when forced, as Hearth closing does).
 */
import { describe, expect, it, vi } from 'vitest';
import { DisposableStore, Leased, toDisposable } from '../../app/core/lifecycle.js';

/** A promise the test settles by hand. */
function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

/** Whether a promise has settled, after letting every pending callback run. */
async function hasSettled(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  void promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  await new Promise((resolve) => setImmediate(resolve));
  return settled;
}

describe('DisposableStore', () => {
  it('hands back what it was given and disposes everything last first, whatever form its disposal takes', async () => {
    const closed: string[] = [];
    const store = new DisposableStore();
    const database = { dispose: () => void closed.push('database') };
    expect(store.add(database)).toBe(database);
    store.add(toDisposable(() => closed.push('worker')));
    store.add({ [Symbol.dispose]: () => void closed.push('watcher') });
    store.add({ [Symbol.asyncDispose]: async () => void closed.push('socket') });

    expect(store.disposed).toBe(false);
    await store.dispose();

    expect(closed).toEqual(['socket', 'watcher', 'worker', 'database']);
    expect(store.disposed).toBe(true);
  });

  it('disposes once: a second dispose waits for the first and does nothing more', async () => {
    const slowClose = deferred();
    const close = vi.fn(() => slowClose.promise);
    const store = new DisposableStore();
    store.add({ dispose: close });

    const first = store.dispose();
    const second = store.dispose();
    expect(await hasSettled(second)).toBe(false); // the item is still closing

    slowClose.resolve();
    await Promise.all([first, second]);
    await store.dispose();
    expect(close).toHaveBeenCalledTimes(1);
  });

  it('goes on past a failure and throws it as itself', async () => {
    const closed: string[] = [];
    const broken = new Error('the index file is locked');
    const store = new DisposableStore();
    store.add(toDisposable(() => closed.push('database')));
    store.add(
      toDisposable(() => {
        throw broken;
      }),
    );
    store.add(toDisposable(() => closed.push('models')));

    await expect(store.dispose()).rejects.toBe(broken);
    expect(closed).toEqual(['models', 'database']);
  });

  it('throws several failures together, in the order they happened', async () => {
    const store = new DisposableStore();
    const first = new Error('the worker would not stop');
    const second = new Error('the socket was already gone');
    const closed = vi.fn();
    store.add({ dispose: closed });
    store.add({ [Symbol.asyncDispose]: () => Promise.reject(second) });
    store.add({ dispose: () => Promise.reject(first) });

    const failure = await store.dispose().then(
      () => undefined,
      (error: unknown) => error,
    );

    expect(failure).toBeInstanceOf(AggregateError);
    expect((failure as AggregateError).errors).toEqual([first, second]);
    expect((failure as AggregateError).message).toBe('2 resources failed to close.');
    expect(closed).toHaveBeenCalledTimes(1);
  });

  it('is disposed at the end of an `await using` block', async () => {
    const closed = vi.fn();
    {
      await using store = new DisposableStore();
      store.add(toDisposable(closed));
      expect(closed).not.toHaveBeenCalled();
    }
    expect(closed).toHaveBeenCalledTimes(1);
  });

  it('disposes an item added after it was disposed at once, since no one else ever would', async () => {
    const store = new DisposableStore();
    await store.dispose();
    const late = { dispose: vi.fn() };

    expect(store.add(late)).toBe(late);
    expect(late.dispose).toHaveBeenCalledTimes(1);
    await store.dispose();
    expect(late.dispose).toHaveBeenCalledTimes(1);
  });
});

describe('toDisposable', () => {
  it('runs its function once however often it is disposed', async () => {
    const close = vi.fn();
    const disposable = toDisposable(close);
    await disposable[Symbol.asyncDispose]();
    await disposable[Symbol.asyncDispose]();
    expect(close).toHaveBeenCalledTimes(1);
  });
});

/** A model that loads when the test says so, and records its disposal. */
function arrangeModel() {
  const load = deferred<{ name: string }>();
  const open = vi.fn(() => load.promise);
  const dispose = vi.fn(async (_model: { name: string }) => undefined);
  const leased = new Leased(open(), dispose);
  return { load, open, dispose, leased };
}

describe('Leased', () => {
  it('opens once for concurrent first callers, who all wait for that one load', async () => {
    const { load, open, leased } = arrangeModel();

    const first = leased.acquire();
    const second = leased.acquire();
    expect(await hasSettled(first)).toBe(false);
    expect(leased.outstanding).toBe(2);

    const model = { name: 'tiny-encoder' };
    load.resolve(model);
    const [a, b] = await Promise.all([first, second]);

    expect(a.value).toBe(model);
    expect(b.value).toBe(model);
    expect(open).toHaveBeenCalledTimes(1);
    await a.release();
    await b.release();
  });

  it('is disposed only once it is retired and its last lease is returned', async () => {
    const { load, dispose, leased } = arrangeModel();
    load.resolve({ name: 'tiny-encoder' });
    const reader = await leased.acquire();
    const writer = await leased.acquire();

    await reader.release();
    expect(dispose).not.toHaveBeenCalled(); // not retired: the next caller gets it as it is
    await leased.retire();
    expect(dispose).not.toHaveBeenCalled(); // retired, but the writer still uses it
    expect(await hasSettled(leased.gone)).toBe(false);

    await writer.release();
    expect(dispose).toHaveBeenCalledTimes(1);
    expect(dispose).toHaveBeenCalledWith({ name: 'tiny-encoder' });
    await leased.gone;
    expect(leased.outstanding).toBe(0);
  });

  it('is disposed by retiring when no lease is out, and only once', async () => {
    const { load, dispose, leased } = arrangeModel();
    load.resolve({ name: 'tiny-encoder' });
    await (await leased.acquire()).release();
    expect(dispose).not.toHaveBeenCalled();

    await leased.retire();
    await leased.dispose();
    expect(dispose).toHaveBeenCalledTimes(1);
  });

  it('counts a lease returned twice once', async () => {
    const { load, dispose, leased } = arrangeModel();
    load.resolve({ name: 'tiny-encoder' });
    const careless = await leased.acquire();
    const careful = await leased.acquire();

    await careless.release();
    await careless.release();
    await leased.retire();
    expect(leased.outstanding).toBe(1);
    expect(dispose).not.toHaveBeenCalled(); // the careful lessee is still using it

    await careful.release();
    expect(dispose).toHaveBeenCalledTimes(1);
  });

  it('returns a lease at the end of an `await using` block', async () => {
    const dispose = vi.fn(async (_model: { name: string }) => undefined);
    const leased = new Leased(Promise.resolve({ name: 'tiny-encoder' }), dispose);
    {
      await using lease = await leased.acquire();
      expect(lease.value.name).toBe('tiny-encoder');
      await leased.retire();
      expect(dispose).not.toHaveBeenCalled();
    }
    expect(dispose).toHaveBeenCalledTimes(1);
    expect(leased.outstanding).toBe(0);
  });

  it('rejects every lessee when the load fails, and leaves nothing to dispose', async () => {
    const { load, dispose, leased } = arrangeModel();
    const first = leased.acquire();
    const second = leased.acquire();
    const broken = new Error('model.onnx is truncated');

    load.reject(broken);

    await expect(first).rejects.toBe(broken);
    await expect(second).rejects.toBe(broken);
    expect(leased.outstanding).toBe(0);
    await leased.gone;
    await leased.retire();
    await leased.dispose({ force: true });
    expect(dispose).not.toHaveBeenCalled();
  });

  it('is disposed while leases are out when forced, and not again when they come back', async () => {
    const { load, dispose, leased } = arrangeModel();
    load.resolve({ name: 'tiny-encoder' });
    const stuck = await leased.acquire();

    await leased.dispose(); // not forced: the lessee keeps it
    expect(dispose).not.toHaveBeenCalled();
    await leased.dispose({ force: true });
    expect(dispose).toHaveBeenCalledTimes(1);
    await leased.gone;

    await stuck.release();
    expect(dispose).toHaveBeenCalledTimes(1);
  });
});
