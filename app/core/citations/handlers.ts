/** The citations methods of the contract: a stored citation opened again. */
import type { Documents, Replacements } from '../library/index.js';
import type { SomeHandlers } from '../rpc/index.js';
import { locateCitation } from './locate-citation.js';

export function citationsHandlers(library: { documents: Documents; replacements: Replacements }): SomeHandlers<'citations.locate'> {
  return {
    'citations.locate': async ({ citation }) => locateCitation(library, citation),
  };
}
