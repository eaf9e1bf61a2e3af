/**
 * Preparing the space on screen for search: asked for when a space is opened and after the embedding model
 * changes, so the wait (minutes, for a big space on a CPU) is shown rather than hidden in the first question.
 * The preparation is a job in the core, shared by every window; like actions.ts, this is the only code of its kind
 * that talks to the core, and its progress lands in the preparation store.
 */
import { followJob } from '../client/follow-job.js';
import { connectionFor, describe } from './core-connection.js';
import { withEntry } from './keyed-record.js';
import { usePreparationStore, type PreparationReason, type SpacePreparation } from './preparation-store.js';
import { useSpacesStore } from './spaces-store.js';

/** This window's one watcher, of the space on screen. Aborting it stops the watching only: the core goes on with the work. */
let watching: { spaceId: string; controller: AbortController } | undefined;

/**
 * Asks the core for the space's preparation — it starts the job, or answers the one running, or says the space is
 * ready — and follows the job until it is done (the entry leaves the store) or failed (the entry says why). A run
 * cancelled because the embedding model was switched again is followed over to the new model's. Watching another
 * space, or the same one again, stops following this one.
 */
export async function prepareSpace(spaceId: string, reason: PreparationReason): Promise<void> {
  if (watching) {
    watching.controller.abort();
    // What is known of a space nobody watches goes stale; it is asked for again when the space is opened.
    if (watching.spaceId !== spaceId) setPreparation(watching.spaceId, undefined);
  }
  const controller = new AbortController();
  watching = { spaceId, controller };
  if (reason === 'new-embedder') setPreparation(spaceId, { reason, status: 'starting' });
  try {
    for (;;) {
      const answer = await connectionFor(spaceId).client.call('spaces.prepare', { spaceId }, { signal: controller.signal });
      if (answer.status === 'current') break;
      const following = followJob(connectionFor(spaceId).client, Promise.resolve(answer.job), { signal: controller.signal });
      for await (const { done, total } of following) {
        if (!controller.signal.aborted) setPreparation(spaceId, { reason, status: 'embedding', done, total });
      }
      try {
        await following.result;
        break;
      } catch (error) {
        // A run for a model no longer in use ends cancelled; the space is prepared for the one in use now.
        if (controller.signal.aborted || describe(error).code !== 'CANCELLED') throw error;
      }
    }
    if (!controller.signal.aborted) setPreparation(spaceId, undefined);
  } catch (error) {
    if (controller.signal.aborted) return; // another watch took over; it reports from here on
    setPreparation(spaceId, { reason, status: 'failed', error: describe(error) });
  } finally {
    if (watching?.controller === controller) watching = undefined;
  }
}

/** After the active embedding model changed: the space on screen is embedded again at once, with its progress shown. */
export function prepareCurrentSpaceForNewEmbedder(): void {
  const spaceId = useSpacesStore.getState().currentSpaceId;
  if (spaceId) void prepareSpace(spaceId, 'new-embedder');
}

/** Tries a failed preparation of the space on screen again. */
export function retryPreparation(): void {
  const spaceId = useSpacesStore.getState().currentSpaceId;
  const preparation = spaceId ? usePreparationStore.getState().bySpace[spaceId] : undefined;
  if (spaceId && preparation?.status === 'failed') void prepareSpace(spaceId, preparation.reason);
}

function setPreparation(spaceId: string, preparation: SpacePreparation | undefined): void {
  usePreparationStore.setState((state) => ({ bySpace: withEntry(state.bySpace, spaceId, preparation) }));
}
