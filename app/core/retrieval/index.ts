/** Retrieval: the persisted keyword index and the search that turns a query into cited passages. */
export { KeywordIndex, type IndexedChunk } from './keyword-index.js';
export { retrieve } from './retrieve.js';
