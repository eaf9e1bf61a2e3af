/**
 * The keyword index: one FlexSearch index per space, saved to `keyword/<space>/` in the data folder and
 * reloaded on start. SQLite is the source of truth: every saved index records the space's generation,
 * and an index that is missing, unreadable or older than the database is rebuilt from the chunks table.
 */
import FlexSearch from 'flexsearch';
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';

const { Index, Charset } = FlexSearch;
type FlexIndex = InstanceType<typeof Index>;

const Manifest = z.object({ generation: z.number().int(), keys: z.array(z.string()) });

export interface IndexedChunk {
  id: number;
  /** What is searched: the chunk's heading path and text. */
  text: string;
}

function newIndex(): FlexIndex {
  // Charset.Default folds case and Unicode forms for every script, Cyrillic included; `forward` matches prefixes.
  return new Index({ tokenize: 'forward', encoder: Charset.Default, resolution: 9 });
}

export class KeywordIndex {
  private readonly indexes = new Map<string, FlexIndex>();
  private readonly saving = new Map<string, Promise<void>>();

  constructor(private readonly root: string) {}

  /**
   * Loads a space's saved index when it is as new as `generation`, or builds it from `chunks()` and saves it.
   */
  async open(spaceId: string, generation: number, chunks: () => Iterable<IndexedChunk>): Promise<void> {
    const loaded = await this.load(spaceId, generation);
    if (loaded) {
      this.indexes.set(spaceId, loaded);
      return;
    }
    const index = newIndex();
    for (const chunk of chunks()) index.add(chunk.id, chunk.text);
    this.indexes.set(spaceId, index);
    await this.save(spaceId, generation);
  }

  add(spaceId: string, chunks: Iterable<IndexedChunk>): void {
    const index = this.require(spaceId);
    for (const chunk of chunks) index.add(chunk.id, chunk.text);
  }

  remove(spaceId: string, chunkIds: Iterable<number>): void {
    const index = this.require(spaceId);
    for (const id of chunkIds) index.remove(id);
  }

  /** Chunk ids, best first. `suggest` lets a question match passages that hold only some of its words. */
  search(spaceId: string, query: string, limit: number): number[] {
    const index = this.require(spaceId);
    return (index.search(query, { limit, suggest: true }) as (number | string)[]).map(Number);
  }

  /** Writes the space's index atomically: a new folder is filled, then swapped in. Saves are serialized per space. */
  save(spaceId: string, generation: number): Promise<void> {
    const previous = this.saving.get(spaceId) ?? Promise.resolve();
    const next = previous.then(() => this.write(spaceId, generation));
    this.saving.set(spaceId, next.catch(() => undefined));
    return next;
  }

  async flush(): Promise<void> {
    await Promise.all(this.saving.values());
  }

  private require(spaceId: string): FlexIndex {
    const index = this.indexes.get(spaceId);
    if (!index) throw new Error(`The keyword index of space ${spaceId} is not open.`);
    return index;
  }

  private async write(spaceId: string, generation: number): Promise<void> {
    const index = this.require(spaceId);
    const folder = path.join(this.root, spaceId);
    const staging = `${folder}.staging`;
    await rm(staging, { recursive: true, force: true });
    await mkdir(staging, { recursive: true });
    const keys: string[] = [];
    const writes: Promise<void>[] = [];
    await index.export((key: string, data: string) => {
      keys.push(key);
      writes.push(writeFile(path.join(staging, encodeURIComponent(key)), data));
    });
    await Promise.all(writes);
    await writeFile(path.join(staging, 'manifest.json'), JSON.stringify({ generation, keys }));
    const retired = `${folder}.old`;
    await rm(retired, { recursive: true, force: true });
    await rename(folder, retired).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
    await rename(staging, folder);
    await rm(retired, { recursive: true, force: true });
  }

  private async load(spaceId: string, generation: number): Promise<FlexIndex | undefined> {
    const folder = path.join(this.root, spaceId);
    try {
      const manifest = Manifest.parse(JSON.parse(await readFile(path.join(folder, 'manifest.json'), 'utf8')));
      if (manifest.generation !== generation) return undefined;
      const present = new Set(await readdir(folder));
      const index = newIndex();
      for (const key of manifest.keys) {
        const file = encodeURIComponent(key);
        if (!present.has(file)) return undefined;
        index.import(key, await readFile(path.join(folder, file), 'utf8'));
      }
      return index;
    } catch {
      // Missing or damaged files are not an error: SQLite holds every chunk, and the caller rebuilds.
      return undefined;
    }
  }
}
