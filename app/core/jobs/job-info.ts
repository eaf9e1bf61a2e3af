/** The store's rows as the contract shows them: a journalled event, a job's info, the steps a journal holds. */
import type { JobEvent, JobInfo } from '../../../schemas/index.js';
import type { StoredEvent, StoredJob } from './job-store.js';

export function toEvent(stored: StoredEvent): JobEvent {
  return { ...stored.body, jobId: stored.jobId, kind: stored.kind, seq: stored.seq, at: stored.at } as JobEvent;
}

export function toInfo(job: StoredJob): JobInfo {
  return {
    id: job.id,
    kind: job.kind,
    spaceId: job.spaceId,
    title: job.title,
    subject: job.subject,
    state: job.state,
    owner: job.owner,
    createdAt: job.createdAt,
    updatedAt: job.updatedAt,
    ...(job.finishedAt ? { finishedAt: job.finishedAt } : {}),
    ...(job.progress !== undefined ? { progress: job.progress } : {}),
    ...(job.result !== undefined ? { result: job.result } : {}),
    ...(job.error ? { error: job.error } : {}),
    lastSeq: job.lastSeq,
  } as JobInfo;
}

export function stepsOf(events: StoredEvent[]): { step: string; detail: string | undefined }[] {
  return events.flatMap((event) =>
    event.body.type === 'step' ? [{ step: String(event.body.step), detail: typeof event.body.detail === 'string' ? event.body.detail : undefined }] : [],
  );
}
