/**
 * Lifetimes: who disposes what, and when. A DisposableStore belongs to one owner and disposes what was added to
 * it in reverse order, once, collecting every failure rather than stopping at the first. A Leases holder hands
 * out a resource many callers use at once (a loaded model) and disposes it only when it has been replaced and
 * its last lease is returned. (VS Code's DisposableStore and ReferenceCollection are the models.)
 */

/** Anything that lets go of a resource: `dispose()`, or `Symbol.asyncDispose` / `Symbol.dispose`. */
export type DisposableLike = { dispose(): unknown } | AsyncDisposable | Disposable;

/** Runs a disposable's disposal, whichever form it has. */
export async function disposeOf(item: DisposableLike): Promise<void> {
  if (Symbol.asyncDispose in item) await item[Symbol.asyncDispose]();
  else if (Symbol.dispose in item) item[Symbol.dispose]();
  else await item.dispose();
}

/** A function run once on disposal, as a disposable. */
export function toDisposable(dispose: () => unknown): AsyncDisposable {
  let done = false;
  return {
    async [Symbol.asyncDispose]() {
      if (done) return;
      done = true;
      await dispose();
    },
  };
}

export class DisposableStore implements AsyncDisposable {
  private readonly items: DisposableLike[] = [];
  private disposing: Promise<void> | undefined;

  get disposed(): boolean {
    return this.disposing !== undefined;
  }

  /** Keeps `item` to dispose later and returns it, so `const x = store.add(new X())` reads as one step. */
  add<T extends DisposableLike>(item: T): T {
    if (this.disposing) {
      // The owner is gone: nothing would ever dispose it, so do it now rather than leak it.
      void disposeOf(item).catch((error: unknown) => console.error('[hearth] disposing an item added after its store was disposed failed:', error));
      return item;
    }
    this.items.push(item);
    return item;
  }

  /**
   * Disposes everything added, last first. A second call waits for the first and does nothing more. When some
   * disposals fail, the others still run; the failures are thrown together at the end.
   */
  dispose(): Promise<void> {
    this.disposing ??= (async () => {
      const failures: unknown[] = [];
      for (const item of this.items.splice(0).reverse()) {
        try {
          await disposeOf(item);
        } catch (error) {
          failures.push(error);
        }
      }
      if (failures.length === 1) throw failures[0];
      if (failures.length > 1) throw new AggregateError(failures, `${failures.length} resources failed to close.`);
    })();
    return this.disposing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }
}

/** One use of a leased resource; returning it twice counts once. */
export interface Lease<T> extends AsyncDisposable {
  readonly value: T;
  release(): Promise<void>;
}

/**
 * One resource behind many concurrent users: opened once (the first callers share the promise of the load),
 * counted per lease, and disposed once it is retired and no lease is out. A failed open is not kept: its
 * lessees see the failure, and the holder opens it afresh next time.
 */
export class Leased<T> {
  private leases = 0;
  private retired = false;
  private disposal: Promise<void> | undefined;
  /** Settles when the resource has been disposed (or never opened), for whoever waits for it to be gone. */
  readonly gone: Promise<void>;
  private markGone!: () => void;

  constructor(
    /** The load, started by whoever made this; shared by every lease. */
    readonly opening: Promise<T>,
    private readonly disposeValue: (value: T) => Promise<void>,
  ) {
    this.gone = new Promise((resolve) => (this.markGone = resolve));
    // A failed load leaves nothing to dispose; its failure belongs to the lessees.
    opening.catch(() => this.markGone());
  }

  get outstanding(): number {
    return this.leases;
  }

  /** Takes a lease: resolves once the resource is open (or rejects with why it could not open). */
  async acquire(): Promise<Lease<T>> {
    this.leases++;
    let value: T;
    try {
      value = await this.opening;
    } catch (error) {
      this.leases--;
      throw error;
    }
    let returned = false;
    const release = async () => {
      if (returned) return;
      returned = true;
      this.leases--;
      await this.disposeIfUnused();
    };
    return { value, release, [Symbol.asyncDispose]: release };
  }

  /** No new leases will be taken; the resource is disposed as soon as the last one is returned (now, if none is out). */
  retire(): Promise<void> {
    this.retired = true;
    return this.disposeIfUnused();
  }

  /**
   * Retires the resource and disposes it now, leases or not (`force`: Hearth is closing and a lessee did not let
   * go in time); without `force`, the same as {@link retire}.
   */
  dispose(options: { force?: boolean } = {}): Promise<void> {
    this.retired = true;
    return options.force ? this.disposeNow() : this.disposeIfUnused();
  }

  private async disposeIfUnused(): Promise<void> {
    if (!this.retired || this.leases > 0) return;
    await this.disposeNow();
  }

  private async disposeNow(): Promise<void> {
    this.disposal ??= this.opening.then(
      (value) => this.disposeValue(value).finally(() => this.markGone()),
      () => undefined, // never opened: nothing to dispose
    );
    await this.disposal;
  }
}
