/**
 * Opens a stored citation again: in its own document while that is in the library, else in the reading that
 * replaced it (a re-read, a changed file added again), with the passage found there (see relocate-citation.ts).
 */
import type { Citation, LocatedCitation } from '../../../schemas/index.js';
import type { Documents, Replacements } from '../library/index.js';
import { relocateCitation } from './relocate-citation.js';

export function locateCitation(deps: { documents: Documents; replacements: Replacements }, citation: Citation): LocatedCitation {
  const document = deps.replacements.current(citation.documentId); // NOT_FOUND: deleted, not replaced
  if (document.id === citation.documentId) return { document, citation, passage: 'current' };
  const reading = { document, text: deps.documents.text(document.id), chunks: deps.documents.chunksOf(document.id) };
  return { document, ...relocateCitation(citation, reading) };
}
