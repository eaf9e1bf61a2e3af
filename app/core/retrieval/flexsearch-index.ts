/**
 * The FlexSearch keyword engine, kept beside BM25 for comparison and for prefix matching (`forward`
 * tokenization finds "докум" in "документами"). It uses the same text analysis as BM25 (folding, stopwords,
 * stemming). FlexSearch ranks without scores, so a hit's score is its reciprocal rank, and filters are applied
 * after its search, widening the search until enough chunks pass.
 */
import FlexSearch from 'flexsearch';
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { ScoredChunk } from './bm25-index.js';
import { toStoredFacts, type ChunkFilter, type StoredFacts } from './filters.js';
import type { IndexedChunk, KeywordEngine } from './keyword-engine.js';
import type { TextAnalyzer } from './text-analysis.js';

const { Index } = FlexSearch;
type FlexIndex = InstanceType<typeof Index>;

export type FlexTokenize = 'strict' | 'forward';

const Manifest = z.object({
  engine: z.literal('flexsearch'),
  analyzer: z.string(),
  tokenize: z.string(),
  generation: z.number().int(),
  keys: z.array(z.string()),
});

const factsFile = 'facts.json';

export class FlexSearchEngine implements KeywordEngine {
  private readonly index: FlexIndex;
  private readonly facts = new Map<number, StoredFacts>();

  constructor(
    private readonly analyzer: TextAnalyzer,
    private readonly tokenize: FlexTokenize = 'strict',
  ) {
    // `encode` replaces FlexSearch's encoder, so both engines see the same terms.
    this.index = new Index({ tokenize, resolution: 9, encode: (text: string) => analyzer.terms(text) });
  }

  get size(): number {
    return this.facts.size;
  }

  add(chunks: Iterable<IndexedChunk>): void {
    for (const chunk of chunks) {
      if (this.facts.has(chunk.id)) this.index.remove(chunk.id);
      this.index.add(chunk.id, chunk.text);
      this.facts.set(chunk.id, toStoredFacts(chunk));
    }
  }

  remove(chunkIds: Iterable<number>): void {
    for (const id of chunkIds) {
      this.index.remove(id);
      this.facts.delete(id);
    }
  }

  search(query: string, limit: number, filter?: ChunkFilter): ScoredChunk[] {
    if (limit <= 0) return [];
    // `suggest` lets a question match passages that hold only some of its words.
    const run = (n: number) => (this.index.search(query, { limit: n, suggest: true }) as (number | string)[]).map(Number);
    let ids: number[];
    if (!filter || filter.empty) {
      ids = run(limit);
    } else {
      let wanted = limit * 4;
      for (;;) {
        const found = run(wanted);
        ids = found.filter((id) => {
          const facts = this.facts.get(id);
          return facts !== undefined && filter.matches(facts);
        });
        if (ids.length >= limit || found.length < wanted) break;
        wanted *= 4;
      }
    }
    return ids.slice(0, limit).map((chunkId, rank) => ({ chunkId, score: 1 / (rank + 1) }));
  }

  /** Writes the index atomically: a staging folder is filled, then swapped in. */
  async save(folder: string, generation: number): Promise<void> {
    const staging = `${folder}.staging`;
    await rm(staging, { recursive: true, force: true });
    await mkdir(staging, { recursive: true });
    const keys: string[] = [];
    const writes: Promise<void>[] = [];
    await this.index.export((key: string, data: string) => {
      keys.push(key);
      writes.push(writeFile(path.join(staging, encodeURIComponent(key)), data));
    });
    await Promise.all(writes);
    const facts = [...this.facts].map(([id, f]) => [id, f.documentId, f.type, f.project, Number.isNaN(f.createdAtMs) ? null : f.createdAtMs]);
    await writeFile(path.join(staging, factsFile), JSON.stringify(facts));
    const manifest: z.infer<typeof Manifest> = { engine: 'flexsearch', analyzer: this.analyzer.id, tokenize: this.tokenize, generation, keys };
    await writeFile(path.join(staging, 'manifest.json'), JSON.stringify(manifest));
    const retired = `${folder}.old`;
    await rm(retired, { recursive: true, force: true });
    await rename(folder, retired).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
    await rename(staging, folder);
    await rm(retired, { recursive: true, force: true });
  }

  /** The saved index when it was written at `generation` with the same analysis, else undefined. */
  static async load(folder: string, generation: number, analyzer: TextAnalyzer, tokenize: FlexTokenize): Promise<FlexSearchEngine | undefined> {
    const parsed = Manifest.safeParse(JSON.parse(await readFile(path.join(folder, 'manifest.json'), 'utf8')));
    if (!parsed.success) return undefined;
    const manifest = parsed.data;
    if (manifest.generation !== generation || manifest.analyzer !== analyzer.id || manifest.tokenize !== tokenize) return undefined;
    const present = new Set(await readdir(folder));
    const engine = new FlexSearchEngine(analyzer, tokenize);
    for (const key of manifest.keys) {
      const file = encodeURIComponent(key);
      if (!present.has(file)) return undefined;
      engine.index.import(key, await readFile(path.join(folder, file), 'utf8'));
    }
    const facts = JSON.parse(await readFile(path.join(folder, factsFile), 'utf8')) as [number, string | null, string | null, string | null, number | null][];
    for (const [id, documentId, type, project, createdAtMs] of facts) {
      engine.facts.set(id, { documentId, type, project, createdAtMs: createdAtMs ?? Number.NaN });
    }
    return engine;
  }
}
