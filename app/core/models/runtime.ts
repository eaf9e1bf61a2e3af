/**
 * The models Hearth is using right now: the library read from disk, the active entry per kind (chosen
 * with `models use`, else the one named `default`, else the first), and the running instances, opened
 * on first use and kept until the choice changes. With no embedding model the built-in hash embedder
 * answers; with no LLM, answers are extractive.
 */
import { z } from 'zod';
import { HearthError, type ModelEntryInfo, type ModelLibraryInfo } from '../../../schemas/index.js';
import type { Settings } from '../storage/index.js';
import { readGgufSummary } from './gguf-info.js';
import { HashEmbedder } from './hash-embedder.js';
import { findModel, loadModelLibrary, type LibraryProblem, type ModelEntry, type ModelKind, type ModelLibrary } from './library.js';
import { openChatModel, openEmbedder, openReranker } from './providers.js';
import type { ChatModel, Embedder, Reranker } from './types.js';

const activeKey = (kind: ModelKind) => `models.active.${kind}`;

interface Running<T> {
  entryKey: string;
  instance: Promise<T>;
  failed: boolean;
}

export class ModelRuntime {
  private cachedLibrary: Promise<ModelLibrary> | undefined;
  private chat: Running<ChatModel> | undefined;
  private embed: Running<Embedder> | undefined;
  private rerank: Running<Reranker> | undefined;
  readonly hashEmbedder = new HashEmbedder();

  constructor(
    readonly libraryFolder: string,
    private readonly settings: Settings,
  ) {}

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

  async use(kind: ModelKind, alias: string): Promise<void> {
    const library = await this.library({ reload: true });
    if (!findModel(library, kind, alias)) {
      const known = library.entries.filter((entry) => entry.kind === kind).map((entry) => entry.name);
      throw new HearthError('MODEL_NOT_FOUND', `There is no ${kind} model "${alias}" in ${library.file}${known.length ? ` (there is ${known.join(', ')})` : ''}.`);
    }
    this.settings.set(activeKey(kind), alias);
  }

  /** The active LLM, loaded; undefined when none is configured. */
  async chatModel(): Promise<ChatModel | undefined> {
    const entry = await this.active('llm');
    if (!entry) return undefined;
    this.chat = await this.swap(this.chat, entry, openChatModel);
    return this.chat.instance;
  }

  /** The active embedder; the built-in hash embedder when none is configured. */
  async embedder(): Promise<Embedder> {
    const entry = await this.active('embed');
    if (!entry) return this.hashEmbedder;
    this.embed = await this.swap(this.embed, entry, openEmbedder);
    return this.embed.instance;
  }

  async reranker(): Promise<Reranker | undefined> {
    const entry = await this.active('rerank');
    if (!entry) return undefined;
    this.rerank = await this.swap(this.rerank, entry, openReranker);
    return this.rerank.instance;
  }

  async describe(): Promise<ModelLibraryInfo> {
    const library = await this.library({ reload: true });
    const active = { llm: await this.active('llm'), embed: await this.active('embed'), rerank: await this.active('rerank') };
    const described = await Promise.all(library.entries.map((entry) => describeEntry(entry, active[entry.kind] === entry)));
    const problems = [...library.problems, ...described.flatMap((d) => (d.problem ? [d.problem] : []))].sort((a, b) => a.line - b.line);
    const chat = this.chat ? await this.chat.instance.catch(() => undefined) : undefined;
    return {
      folder: library.folder,
      file: library.file,
      entries: described.map((d) => d.info),
      problems,
      active: { llm: active.llm?.name ?? null, embed: active.embed?.name ?? 'hash', rerank: active.rerank?.name ?? null },
      device: chat?.device ?? null,
    };
  }

  async dispose(): Promise<void> {
    const running = [this.chat, this.embed, this.rerank];
    this.chat = this.embed = this.rerank = undefined;
    for (const model of running) {
      const instance = await model?.instance.catch(() => undefined);
      await instance?.dispose();
    }
  }

  /** Keeps the running instance when it is for this entry; otherwise disposes it and opens the entry. */
  private async swap<T extends { dispose(): Promise<void> }>(
    current: Running<T> | undefined,
    entry: ModelEntry,
    open: (entry: ModelEntry) => Promise<T>,
  ): Promise<Running<T>> {
    const entryKey = JSON.stringify([entry.kind, entry.name, entry.source]);
    if (current?.entryKey === entryKey && !current.failed) return current;
    const previous = await current?.instance.catch(() => undefined);
    await previous?.dispose();
    const instance = open(entry);
    const running: Running<T> = { entryKey, instance, failed: false };
    // A model that failed to load is tried again next time rather than cached as broken.
    instance.catch(() => (running.failed = true));
    return running;
  }
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
