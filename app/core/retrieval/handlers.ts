/** The search methods of the contract: a space prepared for search, and passages found in it. */
import type { SomeHandlers } from '../rpc/index.js';
import type { SpaceIndexes } from './space-indexes.js';

export function searchHandlers(indexes: SpaceIndexes): SomeHandlers<'spaces.prepare' | 'search.query'> {
  return {
    'spaces.prepare': ({ spaceId }, { caller }) => indexes.prepare(spaceId, caller),
    'search.query': async ({ spaceId, query, limit, filter }, { caller, signal }) => (await indexes.search(caller, { spaceId, query, limit, filter }, signal)).hits,
  };
}
