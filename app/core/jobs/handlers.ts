/** The jobs methods of the contract: follow a job, look one up, list a space's jobs, cancel one. */
import type { SomeHandlers } from '../rpc/index.js';
import type { Jobs } from './jobs.js';

export function jobsHandlers(jobs: Jobs): SomeHandlers<'jobs.watch' | 'jobs.get' | 'jobs.list' | 'jobs.cancel'> {
  return {
    'jobs.watch': ({ jobId, after }, { signal }) => jobs.watch(jobId, { after, signal }),
    'jobs.get': async ({ jobId }) => jobs.get(jobId),
    'jobs.list': async (filter) => jobs.list(filter),
    'jobs.cancel': ({ jobId }) => jobs.cancel(jobId),
  };
}
