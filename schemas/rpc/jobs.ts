/** Jobs: follow one from any point (any number of watchers), list a space's jobs, and cancel one. */
import { z } from 'zod';
import { Id } from '../domain.js';
import { agentJob } from './agents.js';
import { ingestJob, reingestJob } from './documents.js';
import { reportJob } from './reports.js';
import { prepareJob } from './spaces.js';
import { JobState } from './job-spec.js';
import { call, inSpace, stream } from './spec.js';

/** Every kind of job, by name. */
export const jobKinds = {
  [ingestJob.kind]: ingestJob,
  [reingestJob.kind]: reingestJob,
  [prepareJob.kind]: prepareJob,
  [reportJob.kind]: reportJob,
  [agentJob.kind]: agentJob,
} as const;
export type JobKindName = keyof typeof jobKinds;
export const JobKindName = z.enum(Object.keys(jobKinds) as [JobKindName, ...JobKindName[]]);

export const JobInfo = z.discriminatedUnion('kind', [ingestJob.info, reingestJob.info, prepareJob.info, reportJob.info, agentJob.info]);
export type JobInfo = z.infer<typeof JobInfo>;
/** The info of a job of one kind (its progress and result typed). */
export type JobInfoOf<K extends JobKindName> = Extract<JobInfo, { kind: K }>;

export const JobEvent = z.union([ingestJob.event, reingestJob.event, prepareJob.event, reportJob.event, agentJob.event]);
export type JobEvent = z.infer<typeof JobEvent>;
/** The events of a job of one kind. */
export type JobEventOf<K extends JobKindName> = Extract<JobEvent, { kind: K }>;

const JobRef = z.object({ jobId: Id });
const inJobSpace = (role: 'viewer' | 'editor') => inSpace(role, { job: 'jobId' });

export const jobsMethods = {
  /**
   * Follows a job: its events after `after` (0: from the start, so a watcher joining late sees what it missed),
   * then each new one as it happens, ending with the job's final info. Cancelling stops this watcher only;
   * the work goes on (`jobs.cancel` stops it).
   */
  'jobs.watch': stream(JobRef.extend({ after: z.number().int().nonnegative().default(0) }), JobEvent, JobInfo, inJobSpace('viewer')),
  'jobs.get': call(JobRef, JobInfo, inJobSpace('viewer')),
  /** A space's jobs, newest first: by default those not finished yet (what a window opened midway should show). */
  'jobs.list': call(
    z.object({
      spaceId: Id,
      states: z.array(JobState).min(1).max(6).default(['queued', 'running', 'waiting']),
      kinds: z.array(JobKindName).max(10).optional(),
      limit: z.number().int().min(1).max(500).default(100),
    }),
    z.array(JobInfo),
    inSpace('viewer'),
  ),
  /** Stops a job's work; what it changed is undone or kept as its kind says (an ingest leaves nothing half-indexed). */
  'jobs.cancel': call(JobRef, JobInfo, inJobSpace('editor')),
} as const;
