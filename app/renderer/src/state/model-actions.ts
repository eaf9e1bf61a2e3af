/**
 * The Models page's actions: opening the page, reading the library, smoke-checking a model, making one
 * active and importing new ones. Like `actions.ts`, the only code that talks to the core; what comes back
 * is written into the models store (and `app.info` into the app store, as the answer mode may change).
 */
import type { ErrorPayload, ModelImportResult, ModelKindName, ModelLibraryInfo } from '../../../../schemas/index.js';
import { connected, describe } from './core-connection.js';
import { useAppStore } from './app-store.js';
import { modelKey, useModelsStore, type ModelCheck, type ModelImport, type ModelKey } from './models-store.js';
import { prepareCurrentSpaceForNewEmbedder } from './preparation-actions.js';
import { showPlan } from './planning-actions.js';
import { showReports } from './report-actions.js';
import { useViewStore, type View } from './view-store.js';

type ImportOutcome = { status: 'done'; result: ModelImportResult } | { status: 'failed'; error: ErrorPayload };

let nextImportId = 1;
/** Only the latest `models.list` may write the store, so a slow early answer never replaces a newer one. */
let latestListing = 0;
/** Imports run one after another: each rewrites models.toml. */
let importQueue: Promise<void> = Promise.resolve();

const client = () => connected().client;

/** Switches the page; the Models page re-reads the library each time it is opened, as models.toml may have been edited, and the Reports page its reports. */
export function showView(view: View): void {
  useViewStore.setState({ view });
  if (view === 'models') void loadModels();
  if (view === 'reports') void showReports();
  if (view === 'plan') void showPlan();
}

export async function loadModels(): Promise<void> {
  const listing = ++latestListing;
  useModelsStore.setState({ loading: true, canImportDrops: connected().pathOnDisk !== undefined });
  try {
    const library = await client().call('models.list', {});
    if (listing !== latestListing) return;
    const embedderBefore = activeEmbedder(useModelsStore.getState().library);
    useModelsStore.setState({ library, loading: false, loadError: null });
    // An import (the first embedding model becomes the active one, a new version replaces the files) or an edit of models.toml changed it.
    if (embedderBefore !== undefined && activeEmbedder(library) !== embedderBefore) prepareCurrentSpaceForNewEmbedder();
  } catch (error) {
    if (listing === latestListing) useModelsStore.setState({ loading: false, loadError: describe(error) });
  }
}

/** Runs the smoke check (load, a short completion, an embedding or a ranking) and keeps its report beside the entry. */
export async function checkModel(kind: ModelKindName, alias: string): Promise<void> {
  const key = modelKey(kind, alias);
  if (useModelsStore.getState().checks[key]?.status === 'running') return;
  setCheck(key, { status: 'running' });
  try {
    setCheck(key, { status: 'done', report: await client().call('models.check', { kind, alias }) });
  } catch (error) {
    setCheck(key, { status: 'failed', error: describe(error) });
  }
}

/** Makes an entry the active one of its kind; answers use it from the next question on. */
export async function activateModel(kind: ModelKindName, alias: string): Promise<void> {
  const key = modelKey(kind, alias);
  if (useModelsStore.getState().switching) return;
  useModelsStore.setState((state) => ({ switching: key, useErrors: { ...state.useErrors, [key]: undefined } }));
  const embedderBefore = activeEmbedder(useModelsStore.getState().library);
  try {
    const library = await client().call('models.use', { kind, alias });
    ++latestListing; // this answer is newer than any listing still in flight
    useModelsStore.setState({ library, loadError: null, switching: null });
    // The core embeds the space's passages again for the new model; every search waits for it, so it starts now, in view.
    if (activeEmbedder(library) !== embedderBefore) prepareCurrentSpaceForNewEmbedder();
  } catch (error) {
    useModelsStore.setState((state) => ({ switching: null, useErrors: { ...state.useErrors, [key]: describe(error) } }));
    return;
  }
  await refreshAppInfo();
}

/** Imports a model file or folder by its path on the machine the core runs on. */
export function importModel(path: string, alias?: string): void {
  const source = path.trim();
  if (source === '') return;
  const id = nextImportId++;
  useModelsStore.setState((state) => ({ imports: [{ id, source, status: 'running' }, ...state.imports] }));
  importQueue = importQueue.then(() => runImport(id, source, alias?.trim() || undefined));
}

/** Imports dropped files and folders by path; only the desktop app can, as only it knows where they are. */
export function importDroppedFiles(files: readonly File[]): void {
  const pathOnDisk = connected().pathOnDisk;
  if (!pathOnDisk) return;
  for (const file of files) {
    const path = pathOnDisk(file);
    if (path) {
      importModel(path);
      continue;
    }
    const error = { code: 'BAD_REQUEST' as const, message: `${file.name} is not a file on disk; drop it from a folder, or type its path.` };
    useModelsStore.setState((state) => ({ imports: [{ id: nextImportId++, source: file.name, status: 'failed', error }, ...state.imports] }));
  }
}

async function runImport(id: number, path: string, alias: string | undefined): Promise<void> {
  try {
    const result = await client().call('models.import', { path, ...(alias ? { alias } : {}) });
    updateImport(id, { status: 'done', result });
  } catch (error) {
    updateImport(id, { status: 'failed', error: describe(error) });
    return;
  }
  // The first model of a kind becomes the active one, which can change how answers are made.
  await Promise.all([loadModels(), refreshAppInfo()]);
}

/** Drops the finished rows from the import list; imports still running stay. */
export function clearFinishedImports(): void {
  useModelsStore.setState((state) => ({ imports: state.imports.filter((entry) => entry.status === 'running') }));
}

async function refreshAppInfo(): Promise<void> {
  try {
    useAppStore.setState({ info: await client().call('app.info', {}) });
  } catch (error) {
    useAppStore.setState({ problem: `Could not refresh how answers are made: ${describe(error).message}` });
  }
}

/** The embedding model in use, by alias and files: vectors made from other files must be made again. */
function activeEmbedder(library: ModelLibraryInfo | null): string | undefined {
  if (!library) return undefined;
  const entry = library.entries.find((candidate) => candidate.kind === 'embed' && candidate.active);
  return entry ? `${entry.alias}@${entry.location}` : library.active.embed;
}

function setCheck(key: ModelKey, check: ModelCheck): void {
  useModelsStore.setState((state) => ({ checks: { ...state.checks, [key]: check } }));
}

function updateImport(id: number, outcome: ImportOutcome): void {
  useModelsStore.setState((state) => ({
    imports: state.imports.map((entry): ModelImport => (entry.id === id ? { id, source: entry.source, ...outcome } : entry)),
  }));
}
