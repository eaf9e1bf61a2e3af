/**
 * Jobs as the contract sees them: long work that runs in the core whether or not anyone watches — adding a
 * file, reading one again, preparing a space for search — with a state, typed progress, a step journal and a
 * result, all kept in the data folder. Each kind of job declares its progress and result here; a client starts
 * one through its capability's method (`documents.ingest`…) and follows it with `jobs.watch`.
 */
import { z } from 'zod';
import { Id } from '../domain.js';
import { ErrorPayload } from '../errors.js';
import { CallerKind } from './spec.js';

/**
 * `queued`: waiting for its turn; `running`; `waiting`: paused until someone answers (an approval, an input);
 * `done`, `failed` (with the error) and `cancelled` are final.
 */
export const JobState = z.enum(['queued', 'running', 'waiting', 'done', 'failed', 'cancelled']);
export type JobState = z.infer<typeof JobState>;

export const finalJobStates: readonly JobState[] = ['done', 'failed', 'cancelled'];

export const JobOwner = z.object({ id: z.string(), kind: CallerKind, name: z.string() });
export type JobOwner = z.infer<typeof JobOwner>;

/** The schemas of one kind of job: what its progress and result look like, and so its info and events. */
export function jobKind<K extends string, P extends z.ZodType, R extends z.ZodType>(kind: K, progress: P, result: R) {
  const about = { jobId: Id, kind: z.literal(kind), seq: z.number().int().positive(), at: z.string() };
  const event = z.discriminatedUnion('type', [
    z.object({ ...about, type: z.literal('progress'), progress }),
    /** A step of the journal, as it was written: the work got this far. */
    z.object({ ...about, type: z.literal('step'), step: z.string(), detail: z.string().optional() }),
    /** The job changed state; a final state carries the result or the error. */
    z.object({ ...about, type: z.literal('state'), state: JobState, result: result.optional(), error: ErrorPayload.optional() }),
  ]);
  const info = z.object({
    id: Id,
    kind: z.literal(kind),
    spaceId: Id,
    /** What the job does, in the user's words: "Adding policy.pdf". */
    title: z.string(),
    /** What it does it to: the file's name, the space's name. */
    subject: z.string(),
    state: JobState,
    owner: JobOwner,
    createdAt: z.string(),
    updatedAt: z.string(),
    finishedAt: z.string().optional(),
    /** The latest progress, for a watcher joining midway. */
    progress: progress.optional(),
    result: result.optional(),
    error: ErrorPayload.optional(),
    /** The last event's number: watching `after` it gives only what comes next. */
    lastSeq: z.number().int().nonnegative(),
  });
  return { kind, progress, result, event, info };
}
