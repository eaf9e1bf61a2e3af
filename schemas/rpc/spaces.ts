/** Spaces: the folders that hold documents and conversations, and their preparation for search. */
import { z } from 'zod';
import { Id, Space } from '../domain.js';
import { call, inSpace, onServer, stream } from './spec.js';

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

export const spacesMethods = {
  /** The spaces the caller may see. */
  'spaces.list': call(z.object({}), z.array(Space), onServer('member')),
  'spaces.create': call(z.object({ name: z.string().trim().min(1).max(200) }), Space, onServer('member')),
  /**
   * Prepares a space for search (keyword index loaded, passages embedded for the active embedding model), or
   * joins the preparation already running: every watcher gets the same progress and result. Searches, answers
   * and ingest in the space wait for it. Cancelling stops this watcher only; the work goes on.
   */
  'spaces.prepare': stream(SpaceRef, SpacePrepareProgress, SpacePrepareResult, inSpace('viewer')),
} as const;
