/** Spaces: create, list and resolve the spaces that hold documents and conversations, each with its generation counter. */
export { Spaces } from './spaces.js';
export { spacesHandlers } from './handlers.js';
