/**
 * Long work in the core is a job: a method starts it (`documents.ingest`…) and answers with the job at once, and
 * `jobs.watch` follows it. This joins the two for a caller that wants the progress and the outcome, the way it
 * would read a stream: iterate for the job's progress, await `result` for what the job produced (its error is
 * thrown). Aborting `signal` stops the following, never the job; `cancel()` stops the job. When the link to the
 * core drops mid-way, the following picks up after the last event it saw once the link is back.
 */
import { HearthError, type JobInfoOf, type JobKindName } from '../../../../schemas/index.js';
import { isConnectionLost } from './connection-lost.js';
import type { HearthClient } from './hearth-client.js';

type ProgressOf<K extends JobKindName> = NonNullable<JobInfoOf<K>['progress']>;
type ResultOf<K extends JobKindName> = NonNullable<JobInfoOf<K>['result']>;

export interface JobHandle<K extends JobKindName> extends AsyncIterable<ProgressOf<K>> {
  /** The job as the core started it (or the reason it would not: a file it will not read, a size over the limit). */
  readonly job: Promise<JobInfoOf<K>>;
  /** What the job produced; rejects with its error when it failed or was cancelled. */
  readonly result: Promise<ResultOf<K>>;
  /** Stops the job itself. */
  cancel(): Promise<void>;
}

export function followJob<K extends JobKindName>(
  client: HearthClient,
  started: Promise<JobInfoOf<K>>,
  options: { signal?: AbortSignal; after?: number } = {},
): JobHandle<K> {
  const queue: ProgressOf<K>[] = [];
  let wake: (() => void) | undefined;
  let finished = false;
  const result = (async (): Promise<ResultOf<K>> => {
    const job = await started;
    let seen = options.after ?? 0;
    let info: JobInfoOf<K> | undefined;
    // A watch cut off by a dropped link is made again after the last event seen (it waits for the link to be back): the job went on in the core.
    while (!info) {
      const watch = client.stream('jobs.watch', { jobId: job.id, after: seen }, options.signal ? { signal: options.signal } : {});
      try {
        for await (const event of watch) {
          if (event.seq <= seen) continue; // never hand the caller an event twice, whatever a watch repeats
          seen = event.seq;
          if (event.type !== 'progress') continue;
          queue.push(event.progress as ProgressOf<K>);
          wake?.();
        }
        info = (await watch.result) as JobInfoOf<K>;
      } catch (error) {
        if (!isConnectionLost(error)) throw error;
        // The link dropped: round again, from `seen`.
      }
    }
    if (info.state === 'done' && info.result !== undefined) return info.result as ResultOf<K>;
    throw info.error ? HearthError.fromPayload(info.error) : new HearthError('INTERNAL', `"${info.title}" ended ${info.state} without saying why.`);
  })();
  const settle = () => {
    finished = true;
    wake?.();
  };
  result.then(settle, settle);
  return {
    job: started,
    result,
    async cancel() {
      await client.call('jobs.cancel', { jobId: (await started).id });
    },
    async *[Symbol.asyncIterator]() {
      for (;;) {
        if (queue.length > 0) {
          yield queue.shift()!;
          continue;
        }
        if (finished) {
          await result; // a failure reaches whoever iterates, not only whoever awaits `result`
          return;
        }
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
    },
  };
}
