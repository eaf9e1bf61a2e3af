/** Spaces: create, list and resolve the spaces that hold documents and conversations. */
export { Spaces } from './spaces.js';
