/** Search: passages of a space that match a query, within a filter. */
import { z } from 'zod';
import { DocumentFormat, Id, RetrievalHit } from '../domain.js';
import { call, inSpace } from './spec.js';

export const SearchFilter = z.object({
  projects: z.array(z.string()).max(100).optional(),
  documentIds: z.array(Id).max(1000).optional(),
  types: z.array(DocumentFormat).max(20).optional(),
  /** ISO 8601: documents added at or after. */
  createdFrom: z.iso.datetime({ offset: true }).optional(),
  /** ISO 8601: documents added before. */
  createdBefore: z.iso.datetime({ offset: true }).optional(),
});
export type SearchFilter = z.infer<typeof SearchFilter>;

export const searchMethods = {
  'search.query': call(
    z.object({
      spaceId: Id,
      query: z.string().min(1).max(4000),
      limit: z.number().int().min(1).max(100).default(8),
      /** Narrows the search within the space; the space itself is never widened by it. */
      filter: SearchFilter.optional(),
    }),
    z.array(RetrievalHit),
    inSpace('viewer'),
  ),
} as const;
