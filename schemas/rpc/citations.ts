/** Citations: a stored citation opened again, wherever its passage is now. */
import { z } from 'zod';
import { Citation, LocatedCitation } from '../domain.js';
import { call, inSpace } from './spec.js';

export const citationsMethods = {
  /**
   * A stored citation opened again. After its document was re-read or a changed file added again, the citation
   * moved into the reading that replaced it (offsets, chunk, page); NOT_FOUND when the document was deleted.
   */
  'citations.locate': call(z.object({ citation: Citation }), LocatedCitation, inSpace('viewer', { document: 'citation.documentId' })),
} as const;
