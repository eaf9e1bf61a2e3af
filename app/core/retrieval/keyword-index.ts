/**
 * The keyword index: one index per space, saved to `keyword/<space>/` in the data folder and reloaded on
 * start. SQLite is the source of truth: every saved index records the space's generation (and how its text
 * was analyzed), and an index that is missing, unreadable, older than the database or analyzed differently is
 * rebuilt from the chunks table.
 *
 * Two engines: BM25 (the default; it ranks best, docs/benchmarks.md) and FlexSearch. Both use the same text
 * analysis: folded, stopword-free, stemmed Russian and English.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { Bm25Index, defaultBm25, type Bm25Parameters, type ScoredChunk } from './bm25-index.js';
import type { ChunkFilter } from './filters.js';
import { FlexSearchEngine, type FlexTokenize } from './flexsearch-index.js';
import type { IndexedChunk, KeywordEngine } from './keyword-engine.js';
import { defaultTextAnalyzer, type TextAnalyzer } from './text-analysis.js';

export type KeywordEngineKind = 'bm25' | 'flexsearch';

export type { IndexedChunk } from './keyword-engine.js';

export interface KeywordIndexOptions {
  /** Default `bm25`. */
  engine?: KeywordEngineKind;
  /** Default: folded, stopword-free, stemmed Russian and English. */
  analyzer?: TextAnalyzer;
  /** BM25's k1 and b; default 0.9 and 0.4. */
  bm25?: Bm25Parameters;
  /** FlexSearch's tokenizer; default `strict` (whole terms). */
  flexTokenize?: FlexTokenize;
}

export interface KeywordSearchOptions {
  limit: number;
  /** Applied before the cut to `limit` (BM25), or by widening the search (FlexSearch). */
  filter?: ChunkFilter;
}


export class KeywordIndex {
  private readonly engines = new Map<string, KeywordEngine>();
  private readonly saving = new Map<string, Promise<void>>();
  readonly engine: KeywordEngineKind;
  private readonly analyzer: TextAnalyzer;
  private readonly bm25: Bm25Parameters;
  private readonly flexTokenize: FlexTokenize;

  constructor(
    private readonly root: string,
    options: KeywordIndexOptions = {},
  ) {
    this.engine = options.engine ?? 'bm25';
    this.analyzer = options.analyzer ?? defaultTextAnalyzer;
    this.bm25 = options.bm25 ?? defaultBm25;
    this.flexTokenize = options.flexTokenize ?? 'strict';
  }

  /**
   * Loads a space's saved index when it is as new as `generation`, or builds it from `chunks()` and saves it.
   * Returns whether it was loaded or rebuilt.
   */
  async open(spaceId: string, generation: number, chunks: () => Iterable<IndexedChunk>): Promise<'loaded' | 'rebuilt'> {
    const loaded = await this.load(spaceId, generation);
    if (loaded) {
      this.engines.set(spaceId, loaded);
      return 'loaded';
    }
    const engine = this.createEngine();
    engine.add(chunks());
    this.engines.set(spaceId, engine);
    await this.save(spaceId, generation);
    return 'rebuilt';
  }

  isOpen(spaceId: string): boolean {
    return this.engines.has(spaceId);
  }

  /** Adds chunks (a chunk id already indexed is replaced). Call `save` with the new generation after. */
  add(spaceId: string, chunks: Iterable<IndexedChunk>): void {
    this.require(spaceId).add(chunks);
  }

  remove(spaceId: string, chunkIds: Iterable<number>): void {
    this.require(spaceId).remove(chunkIds);
  }

  /** Chunk ids, best first. */
  search(spaceId: string, query: string, limit: number): number[] {
    return this.searchScored(spaceId, query, { limit }).map((hit) => hit.chunkId);
  }

  /** Chunks with their scores (BM25, or the reciprocal rank for FlexSearch), best first. */
  searchScored(spaceId: string, query: string, options: KeywordSearchOptions): ScoredChunk[] {
    return this.require(spaceId).search(query, options.limit, options.filter);
  }

  /** Chunks indexed in the space. */
  size(spaceId: string): number {
    return this.require(spaceId).size;
  }

  /** Saves the space's index as of `generation`. Saves are serialized per space. */
  save(spaceId: string, generation: number): Promise<void> {
    const engine = this.require(spaceId);
    const previous = this.saving.get(spaceId) ?? Promise.resolve();
    const next = previous.then(() => engine.save(path.join(this.root, spaceId), generation));
    this.saving.set(
      spaceId,
      next.catch(() => {
        // The failure reaches the caller of this save; later saves must still run.
      }),
    );
    return next;
  }

  async flush(): Promise<void> {
    await Promise.all(this.saving.values());
  }

  /** Forgets a space's index in memory (after saving it); the next `open` loads it again. */
  async close(spaceId: string): Promise<void> {
    await this.saving.get(spaceId);
    this.engines.delete(spaceId);
    this.saving.delete(spaceId);
  }

  private createEngine(): KeywordEngine {
    return this.engine === 'bm25' ? new Bm25Engine(this.analyzer, this.bm25) : new FlexSearchEngine(this.analyzer, this.flexTokenize);
  }

  private require(spaceId: string): KeywordEngine {
    const engine = this.engines.get(spaceId);
    if (!engine) throw new Error(`The keyword index of space ${spaceId} is not open.`);
    return engine;
  }

  private async load(spaceId: string, generation: number): Promise<KeywordEngine | undefined> {
    const folder = path.join(this.root, spaceId);
    try {
      return this.engine === 'bm25'
        ? await Bm25Engine.load(folder, generation, this.analyzer, this.bm25)
        : await FlexSearchEngine.load(folder, generation, this.analyzer, this.flexTokenize);
    } catch {
      // Missing or damaged files are not an error: SQLite holds every chunk, and the caller rebuilds.
      return undefined;
    }
  }
}

const Bm25Manifest = z.object({
  engine: z.literal('bm25'),
  analyzer: z.string(),
  k1: z.number(),
  b: z.number(),
  generation: z.number().int(),
  /** Segment files, oldest first. */
  segments: z.array(z.string()),
});
type Bm25Manifest = z.infer<typeof Bm25Manifest>;

/** Past this many segments a save compacts them into one, so loading stays a few file reads. */
const maxSegments = 8;

/**
 * BM25 behind the engine interface, saved as segment files plus a manifest naming them. A save writes a new
 * segment and then the manifest (by rename, so it is atomic): a crash before the rename leaves the old
 * manifest, older than the database, and the index is rebuilt on next open.
 */
class Bm25Engine implements KeywordEngine {
  private readonly index: Bm25Index;
  private segments: string[] = [];
  /** The folder's segment files were written by this engine (not a FlexSearch export to clear first). */
  private folderIsOurs = false;

  constructor(
    private readonly analyzer: TextAnalyzer,
    private readonly parameters: Bm25Parameters,
  ) {
    this.index = new Bm25Index(parameters);
  }

  get size(): number {
    return this.index.size;
  }

  add(chunks: Iterable<IndexedChunk>): void {
    for (const chunk of chunks) {
      this.index.add({
        chunkId: chunk.id,
        terms: this.analyzer.terms(chunk.text),
        documentId: chunk.documentId,
        type: chunk.type,
        project: chunk.project,
        createdAt: chunk.createdAt,
      });
    }
  }

  remove(chunkIds: Iterable<number>): void {
    for (const id of chunkIds) this.index.remove(id);
  }

  search(query: string, limit: number, filter?: ChunkFilter): ScoredChunk[] {
    return this.index.search(this.analyzer.terms(query), limit, filter);
  }

  async save(folder: string, generation: number): Promise<void> {
    if (!this.folderIsOurs) {
      // Whatever is there (an older index, another engine's files) is replaced by a full segment.
      await rm(folder, { recursive: true, force: true });
      this.segments = [];
      this.folderIsOurs = true;
    }
    await mkdir(folder, { recursive: true });
    const pending = this.index.prepareSave(this.segments.length >= maxSegments);
    let segments = this.segments;
    if (!pending.empty) {
      const name = `segment-${Date.now().toString(36)}-${randomUUID().slice(0, 8)}.bin`;
      await writeFile(path.join(folder, name), pending.bytes);
      segments = pending.whole ? [name] : [...this.segments, name];
    }
    const manifest: Bm25Manifest = { engine: 'bm25', analyzer: this.analyzer.id, k1: this.parameters.k1, b: this.parameters.b, generation, segments };
    const staging = path.join(folder, 'manifest.json.staging');
    await writeFile(staging, JSON.stringify(manifest));
    await rename(staging, path.join(folder, 'manifest.json'));
    this.index.markSaved(pending);
    this.segments = segments;
    const keep = new Set([...segments, 'manifest.json']);
    for (const file of await readdir(folder)) {
      if (!keep.has(file)) await rm(path.join(folder, file), { recursive: true, force: true });
    }
  }

  static async load(folder: string, generation: number, analyzer: TextAnalyzer, parameters: Bm25Parameters): Promise<Bm25Engine | undefined> {
    const parsed = Bm25Manifest.safeParse(JSON.parse(await readFile(path.join(folder, 'manifest.json'), 'utf8')));
    if (!parsed.success) return undefined;
    const manifest = parsed.data;
    if (manifest.generation !== generation || manifest.analyzer !== analyzer.id || manifest.k1 !== parameters.k1 || manifest.b !== parameters.b) {
      return undefined;
    }
    const engine = new Bm25Engine(analyzer, parameters);
    for (const segment of manifest.segments) engine.index.loadSegment(await readFile(path.join(folder, segment)));
    engine.segments = manifest.segments;
    engine.folderIsOurs = true;
    return engine;
  }
}
