/**
 * Configures transformers.js so that loading a model can only ever read local files: remote models
 * are off, no cache is written next to the library, and the fetch it would use for anything remote
 * refuses instead of reaching the network (local files are read through `fs`, never through fetch).
 */
import { env } from '@huggingface/transformers';
import { HearthError } from '../../../schemas/index.js';

export function keepTransformersOffline(): void {
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.useFSCache = false;
  env.useBrowserCache = false;
  // An unroutable host (RFC 2606) in case some path builds a remote URL anyway; the fetch below refuses it first.
  env.remoteHost = 'https://offline.invalid/';
  env.fetch = (input: string | URL) =>
    Promise.reject(new HearthError('INTERNAL', `Hearth works offline: refused to fetch ${String(input)} while loading a model.`));
}
