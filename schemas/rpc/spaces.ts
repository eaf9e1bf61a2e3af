/** Spaces: the folders that hold documents and conversations, and their preparation for search. */
import { z } from 'zod';
import { Id, Space } from '../domain.js';
import { jobKind } from './job-spec.js';
import { call, inSpace, onServer } from './spec.js';

export const SpaceRef = z.object({ spaceId: Id });

/**
 * How far a space's preparation for search has come: passages embedded for the active embedding model (on the
 * space's first use, or all of them again after the embedding model changed). Sent at 0 once the total is known.
 */
export const SpacePrepareProgress = z.object({
  stage: z.literal('embedding'),
  done: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
});
export type SpacePrepareProgress = z.infer<typeof SpacePrepareProgress>;

export const SpacePrepareResult = z.object({
  /** `current`: nothing to do; `synced`: missing passages embedded; `reembedded`: all embedded again for a new model. */
  status: z.enum(['current', 'synced', 'reembedded']),
  embedded: z.number().int().nonnegative(),
  removed: z.number().int().nonnegative(),
});
export type SpacePrepareResult = z.infer<typeof SpacePrepareResult>;

/** A space's preparation for search: one job per space at a time, shared by every search and watcher. */
export const prepareJob = jobKind('space.prepare', SpacePrepareProgress, SpacePrepareResult);

export const spacesMethods = {
  /** The spaces the caller may see. */
  'spaces.list': call(z.object({}), z.array(Space), onServer('member')),
  'spaces.create': call(z.object({ name: z.string().trim().min(1).max(200) }), Space, onServer('member')),
  /**
   * Prepares a space for search (keyword index loaded, passages embedded for the active embedding model): starts
   * the space's preparation job, or answers the one already running, or `current` when there is nothing to do.
   * Searches, answers and ingest in the space wait for it; follow it with `jobs.watch`.
   */
  'spaces.prepare': call(
    SpaceRef,
    z.discriminatedUnion('status', [z.object({ status: z.literal('current') }), z.object({ status: z.literal('preparing'), job: prepareJob.info })]),
    inSpace('viewer'),
  ),
} as const;
