/**
 * Preparing the space on screen for search: asked for when a space is opened and after the embedding model
 * changes, so the wait (minutes, for a big space on a CPU) is shown rather than hidden in the first question.
 * Like actions.ts, the only code here that talks to the core; its progress lands in the preparation store.
 */
import { connected, describe } from './core-connection.js';
import { withEntry } from './keyed-record.js';
import { usePreparationStore, type PreparationReason, type SpacePreparation } from './preparation-store.js';
import { useSpacesStore } from './spaces-store.js';

/** This window's one watcher, of the space on screen. Aborting it stops the watching only: the core goes on with the work. */
let watching: { spaceId: string; controller: AbortController } | undefined;

/**
 * Starts the space's preparation in the core, or joins the one running, and follows it until it is done (the
 * entry leaves the store) or failed (the entry says why). Watching another space, or the same one again,
 * stops following this one.
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
    const stream = connected().client.stream('spaces.prepare', { spaceId }, { signal: controller.signal });
    for await (const { done, total } of stream) {
      if (!controller.signal.aborted) setPreparation(spaceId, { reason, status: 'embedding', done, total });
    }
    await stream.result;
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
