/**
 * Citations: where a cited passage is in its document (page, sheet, slide), and where it is now after the
 * document was read again or replaced by a changed file; and how passages are quoted to a model.
 */
export { locateCitation } from './locate-citation.js';
export { citedLocation, relocateCitation, relocatePassage, type NewReading, type PassageMatch, type PassagePlace, type ReadingChunk } from './relocate-citation.js';
export { citationsHandlers } from './handlers.js';
export { evidenceBlock, passagesAreData, sourceOf, type QuotedPassage } from './passage-block.js';
