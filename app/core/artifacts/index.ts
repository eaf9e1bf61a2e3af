/** Artifacts: the files reports were rendered to, content-addressed and versioned in the data folder. */
export { ArtifactStore, type ArtifactInput } from './artifact-store.js';
