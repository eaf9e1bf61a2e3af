/** Spaces: create, list and resolve the spaces that hold documents and conversations, and prepare them for search. */
export { Spaces } from './spaces.js';
export { SpacePreparation, SpacePreparations, type PreparationWork, type SpacePreparationState } from './preparation.js';
export { spacesHandlers } from './handlers.js';
