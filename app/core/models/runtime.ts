/**
 * The models Hearth is using right now: the library read from disk, the active entry per kind (chosen with
 * `models use`, else the one named `default`, else the first), and the running instances, handed out as leases.
 * An instance is opened once for its entry — concurrent first callers share the one load — and kept while the
 * entry stays active; when the choice changes, the old instance is disposed only after its last lease is
 * returned, so an answer streaming across a switch finishes with the model it started with. A model that fails
 * to open is not tried again on every request: the failure is kept, said wherever the model is wanted and on the
 * Models page, until the entry changes or the user checks or chooses it again. With no embedding model the
 * built-in hash embedder answers; with no LLM, answers are extractive. Every chat model handed out takes its
 * generations' turns in one fair queue (`generations`), shared by every caller and every model switch.
 */
import { z } from 'zod';
import { HearthError, type ModelEntryInfo, type ModelLibraryInfo } from '../../../schemas/index.js';
import { Leased, type Lease } from '../lifecycle.js';
import type { Settings } from '../storage/index.js';
import { FairQueue, QueuedChatModel, defaultGenerationConcurrency, type FairQueueOptions } from './fair-queue.js';
import { readGgufSummary } from './gguf-info.js';
import { HashEmbedder } from './hash-embedder.js';
import { findModel, loadModelLibrary, type LibraryProblem, type ModelEntry, type ModelKind, type ModelLibrary } from './library.js';
import { openChatModel, openEmbedder, openReranker } from './providers.js';
import type { ChatModel, Embedder, Reranker } from './types.js';

const activeKey = (kind: ModelKind) => `models.active.${kind}`;

interface Instances {
  llm: ChatModel;
  embed: Embedder;
  rerank: Reranker;
}

interface Running<K extends ModelKind> {
  entry: ModelEntry;
  key: string;
  held: Leased<Instances[K]>;
}

/** An active model that could not be opened, and why. */
export interface ModelFailure {
  kind: ModelKind;
  alias: string;
  key: string;
  error: HearthError;
}

const openers: { [K in ModelKind]: (entry: ModelEntry) => Promise<Instances[K]> } = {
  llm: openChatModel,
  embed: openEmbedder,
  rerank: openReranker,
};

export interface ModelRuntimeOptions {
  /**
   * The fair queue's limits; unset ones come from the environment. Without a concurrency (here or in
   * HEARTH_GENERATION_CONCURRENCY), it follows the chat model: 4 for a remote server, 1 for a local model.
   */
  generations?: Omit<FairQueueOptions, 'env'>;
  /** Where the queue's settings are read from; `process.env` unless given. */
  env?: NodeJS.ProcessEnv;
}

/** How long closing waits for outstanding leases (an answer still streaming) before closing their models anyway. */
const closeGraceMs = 5_000;

export class ModelRuntime {
  private cachedLibrary: Promise<ModelLibrary> | undefined;
  private readonly running: { [K in ModelKind]?: Running<K> } = {};
  /** Retired instances not yet gone (a lease is still out), so closing can wait for them. */
  private readonly retiring = new Set<Leased<unknown>>();
  private readonly failures = new Map<ModelKind, ModelFailure>();
  private closed = false;
  readonly hashEmbedder = new HashEmbedder();
  /** The turns of every chat generation, fair across principals; metrics read its `snapshot()`. */
  readonly generations: FairQueue;
  private readonly env: NodeJS.ProcessEnv;

  constructor(
    readonly libraryFolder: string,
    private readonly settings: Settings,
    private readonly options: ModelRuntimeOptions = {},
  ) {
    this.env = options.env ?? process.env;
    // Built now, so a wrong HEARTH_* limit stops Hearth at start with its name, not at the first question.
    this.generations = new FairQueue({ ...options.generations, env: this.env });
  }

  /** The library as last read; `reload` reads models.toml again (after an import or an edit). */
  library(options: { reload?: boolean } = {}): Promise<ModelLibrary> {
    if (options.reload || !this.cachedLibrary) {
      this.cachedLibrary = loadModelLibrary(this.libraryFolder);
      this.cachedLibrary.catch(() => (this.cachedLibrary = undefined));
    }
    return this.cachedLibrary;
  }

  async active(kind: ModelKind): Promise<ModelEntry | undefined> {
    const library = await this.library();
    const chosen = this.settings.get(activeKey(kind), z.string(), '');
    const entries = library.entries.filter((entry) => entry.kind === kind);
    return (chosen ? findModel(library, kind, chosen) : undefined) ?? findModel(library, kind, 'default') ?? entries[0];
  }

  /** Makes `alias` the active model of its kind; choosing a model again also tries it again after a failure. */
  async use(kind: ModelKind, alias: string): Promise<void> {
    const library = await this.library({ reload: true });
    if (!findModel(library, kind, alias)) {
      const known = library.entries.filter((entry) => entry.kind === kind).map((entry) => entry.name);
      throw new HearthError('MODEL_NOT_FOUND', `There is no ${kind} model "${alias}" in ${library.file}${known.length ? ` (there is ${known.join(', ')})` : ''}.`);
    }
    this.settings.set(activeKey(kind), alias);
    this.failures.delete(kind);
    // The model in use until now is done with once its last lease (an answer still streaming) is returned.
    const chosen = await this.active(kind);
    if (this.running[kind] && (!chosen || this.running[kind]!.key !== entryKey(chosen))) this.retire(kind);
  }

  /** Forgets a kept failure (the user checked the model, or asked to try again): the next lease opens it afresh. */
  forgetFailure(kind: ModelKind): void {
    this.failures.delete(kind);
  }

  /** The active model of `kind` that failed to open, if it did. */
  failure(kind: ModelKind): ModelFailure | undefined {
    return this.failures.get(kind);
  }

  /** A lease on the active LLM; undefined when none is configured. Rejects with why it cannot open. */
  leaseChatModel(): Promise<Lease<ChatModel> | undefined> {
    return this.lease('llm');
  }

  /** A lease on the active embedder; the built-in hash embedder when none is configured. */
  async leaseEmbedder(): Promise<Lease<Embedder>> {
    return (await this.lease('embed')) ?? unheld(this.hashEmbedder);
  }

  /**
   * A lease on the active reranker; undefined when none is configured — or when it failed to open, since
   * search goes on without it: `failure('rerank')` says why, for the answer and the Models page.
   */
  async leaseReranker(): Promise<Lease<Reranker> | undefined> {
    try {
      return await this.lease('rerank');
    } catch (error) {
      // A failure to open is kept in `failures` by `lease`; searching without a reranker is the useful thing to do.
      if (this.failures.get('rerank')?.error === error) return undefined;
      throw error;
    }
  }

  async describe(): Promise<ModelLibraryInfo> {
    const library = await this.library({ reload: true });
    const active = { llm: await this.active('llm'), embed: await this.active('embed'), rerank: await this.active('rerank') };
    const described = await Promise.all(library.entries.map((entry) => describeEntry(entry, active[entry.kind] === entry)));
    const problems = [...library.problems, ...described.flatMap((d) => (d.problem ? [d.problem] : []))].sort((a, b) => a.line - b.line);
    const chat = await this.running.llm?.held.opening.catch(() => undefined);
    const unavailable = [...this.failures.values()]
      .filter((failure) => failure.key === (active[failure.kind] ? entryKey(active[failure.kind]!) : ''))
      .map(({ kind, alias, error }) => ({ kind, alias, message: error.message }));
    return {
      folder: library.folder,
      file: library.file,
      entries: described.map((d) => d.info),
      problems,
      active: { llm: active.llm?.name ?? null, embed: active.embed?.name ?? 'hash', rerank: active.rerank?.name ?? null },
      unavailable,
      device: chat?.device ?? null,
    };
  }

  /**
   * Closes every model: running ones are retired; leases still out (an answer still streaming — its request is
   * being cancelled) get a few seconds to be returned, then their models are closed anyway.
   */
  async dispose(): Promise<void> {
    this.closed = true;
    this.generations.close();
    for (const kind of ['llm', 'embed', 'rerank'] as const) this.retire(kind);
    const retiring = [...this.retiring];
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), closeGraceMs)));
    const outcome = await Promise.race([Promise.all(retiring.map((held) => held.gone)).then(() => 'gone' as const), grace]);
    clearTimeout(timer);
    if (outcome === 'late') await Promise.all(retiring.map((held) => held.dispose({ force: true })));
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }

  /** The active model of `kind`, opened on first use and leased; undefined when the library has none of that kind. */
  private async lease<K extends ModelKind>(kind: K): Promise<Lease<Instances[K]> | undefined> {
    if (this.closed) throw new HearthError('CLOSING', 'Hearth is closing; no model is opened now.');
    const entry = await this.active(kind);
    if (!entry) {
      this.retire(kind);
      return undefined;
    }
    const key = entryKey(entry);
    const failed = this.failures.get(kind);
    if (failed?.key === key) throw failed.error;
    // No await between looking and starting the load: concurrent first callers share one load.
    let running = this.running[kind] as Running<K> | undefined;
    if (running?.key !== key) {
      this.retire(kind);
      const opening = kind === 'llm' ? this.openQueuedChatModel(entry) : openers[kind](entry);
      running = { entry, key, held: new Leased(opening as Promise<Instances[K]>, (model) => model.dispose()) };
      this.running[kind] = running as never;
      this.keepFailure(kind, running);
    }
    try {
      return await running.held.acquire();
    } catch (error) {
      // The load failed: every caller gets the one failure that was kept, in Hearth's terms.
      throw this.failures.get(kind)?.key === key ? this.failures.get(kind)!.error : error;
    }
  }

  /** The chat model of `entry`, its generations queued; the queue's concurrency follows where it computes. */
  private async openQueuedChatModel(entry: ModelEntry): Promise<ChatModel> {
    const model = await openers.llm(entry);
    const concurrency = this.options.generations?.concurrency ?? defaultGenerationConcurrency(entry.source.kind === 'remote', this.env);
    this.generations.setConcurrency(concurrency);
    return new QueuedChatModel(model, this.generations);
  }

  /** When the model fails to open: keep why, and stop handing out the failed instance. */
  private keepFailure<K extends ModelKind>(kind: K, running: Running<K>): void {
    running.held.opening.catch((cause: unknown) => {
      if (this.running[kind] !== running) return;
      delete this.running[kind];
      const error =
        cause instanceof HearthError
          ? cause
          : new HearthError('MODEL_INVALID', `[${kind}.${running.entry.name}] could not be opened: ${cause instanceof Error ? cause.message : String(cause)}`);
      this.failures.set(kind, { kind, alias: running.entry.name, key: running.key, error });
    });
  }

  /** The running model of `kind` is taken off duty: disposed once its last lease is returned. */
  private retire(kind: ModelKind): void {
    const running = this.running[kind];
    if (!running) return;
    delete this.running[kind];
    const held = running.held as Leased<unknown>;
    this.retiring.add(held);
    void held.gone.then(() => this.retiring.delete(held));
    held.retire().catch((error: unknown) => console.error(`[hearth] closing the ${kind} model ${running.entry.name} failed:`, error));
  }
}

/** What makes two entries the same model: kind, name and where its files (or server) are. */
function entryKey(entry: ModelEntry): string {
  return JSON.stringify([entry.kind, entry.name, entry.source]);
}

/** A lease on something that holds no resource (the hash embedder): nothing to return. */
function unheld<T>(value: T): Lease<T> {
  const release = async () => undefined;
  return { value, release, [Symbol.asyncDispose]: release };
}

/** An entry as the UI lists it; a GGUF whose header cannot be read is listed with the problem beside it. */
async function describeEntry(entry: ModelEntry, active: boolean): Promise<{ info: ModelEntryInfo; problem?: LibraryProblem }> {
  const source = entry.source;
  const base = { kind: entry.kind, alias: entry.name, aliases: entry.aliases, active, line: entry.line };
  if (source.kind === 'remote') return { info: { ...base, format: 'openai', location: `${source.model}@${source.url}` } };
  const info: ModelEntryInfo = { ...base, format: source.format, location: source.absolutePath };
  if (source.format !== 'gguf') return { info };
  try {
    const summary = await readGgufSummary(source.absolutePath);
    info.details = {
      architecture: summary.architecture,
      parameters: summary.parameters,
      quantization: summary.quantization,
      ...(summary.contextLength ? { contextLength: summary.contextLength } : {}),
      sizeBytes: summary.sizeBytes,
    };
    return { info };
  } catch (error) {
    return { info, problem: { line: entry.line, key: 'path', message: `[${entry.kind}.${entry.name}] ${(error as Error).message}` } };
  }
}
