/** The model library as the core last described it, and the checks, switches and imports the user started on it. */
import { create } from 'zustand';
import type { ErrorPayload, ModelImportResult, ModelKindName, ModelLibraryInfo, SmokeReport } from '../../../../schemas/index.js';

/** An entry's identity across reloads of the library: `llm:tiny`. */
export type ModelKey = `${ModelKindName}:${string}`;

export const modelKey = (kind: ModelKindName, alias: string): ModelKey => `${kind}:${alias}`;

export type ModelCheck =
  | { status: 'running' }
  | { status: 'done'; report: SmokeReport }
  | { status: 'failed'; error: ErrorPayload };

/** One import the user started; `source` is the path they typed or dropped. */
export type ModelImport = { id: number; source: string } & (
  | { status: 'running' }
  | { status: 'done'; result: ModelImportResult }
  | { status: 'failed'; error: ErrorPayload }
);

interface ModelsState {
  library: ModelLibraryInfo | null;
  loading: boolean;
  /** Why the library could not be read at all (models.toml is not valid TOML…); problems with single entries are in `library.problems`. */
  loadError: ErrorPayload | null;
  checks: Partial<Record<ModelKey, ModelCheck>>;
  /** The entry being made active, while `models.use` runs. */
  switching: ModelKey | null;
  /** Why the last `Use` failed, beside the entry it was for. */
  useErrors: Partial<Record<ModelKey, ErrorPayload>>;
  /** This session's imports, newest first. */
  imports: ModelImport[];
  /** True when dropped files carry their path on disk (the desktop app), so a drop can import a model. */
  canImportDrops: boolean;
}

export const useModelsStore = create<ModelsState>(() => ({
  library: null,
  loading: false,
  loadError: null,
  checks: {},
  switching: null,
  useErrors: {},
  imports: [],
  canImportDrops: false,
}));
