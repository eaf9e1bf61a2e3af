/** The spaces methods of the contract: the spaces a caller may see, and new ones. */
import type { SomeHandlers } from '../rpc/index.js';
import type { Spaces } from './spaces.js';

export function spacesHandlers(spaces: Spaces): SomeHandlers<'spaces.list' | 'spaces.create'> {
  return {
    'spaces.list': async (_params, { caller }) => spaces.list().filter((space) => caller.can('viewer', space.id)),
    'spaces.create': async ({ name }) => spaces.create(name),
  };
}
