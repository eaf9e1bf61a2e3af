/** Artifacts: the files reports were rendered to (and files made without one, email drafts), content-addressed and versioned in the data folder. */
export { ArtifactStore, type ArtifactInput, type FileArtifactInput } from './artifact-store.js';
