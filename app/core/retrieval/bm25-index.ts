/**
 * An in-memory BM25 inverted index over one space's chunks (Lucene's BM25: idf = ln(1 + (N − df + ½)/(df + ½)),
 * k1 = 0.9 and b = 0.4 as in Anserini's BEIR runs). FlexSearch ranks by term position, not by term statistics,
 * and stays below BM25 on SciFact (docs/benchmarks.md), so keyword search scores with this.
 *
 * Each chunk keeps its facts (document, type, project, date) so filters apply while scoring, not after a cut.
 * The index saves as segments: a save writes only the chunks added since the last one; a removal or too many
 * segments make the next save write one compacted segment.
 */
import type { ChunkFacts, ChunkFilter, StoredFacts } from './filters.js';
import { toStoredFacts } from './filters.js';
import { decodeSegment, encodeSegment } from './bm25-segment.js';

export interface Bm25Parameters {
  k1: number;
  b: number;
}

export const defaultBm25: Bm25Parameters = { k1: 0.9, b: 0.4 };

export interface ScoredChunk {
  chunkId: number;
  score: number;
}

export interface PendingSave {
  bytes: Uint8Array;
  /** The segment holds the whole index and replaces all earlier ones. */
  whole: boolean;
  /** Nothing was added since the last save: no segment needs writing. */
  empty: boolean;
  upTo: number;
  removals: number;
}

export interface Bm25Document extends ChunkFacts {
  chunkId: number;
  terms: readonly string[];
}

/** One term's postings: internal document numbers in increasing order, with term frequencies. */
interface Postings {
  docs: Int32Array;
  freqs: Uint16Array;
  length: number;
}

const removed = -1;
const maxFrequency = 0xffff;

export class Bm25Index {
  private chunkIds = new Float64Array(1024);
  private lengths = new Uint32Array(1024);
  private factsOf = new Int32Array(1024);
  /** Documents numbered so far, removed ones included (their chunk id is `removed`). */
  private docCount = 0;
  private liveCount = 0;
  private totalLength = 0;
  private readonly postings = new Map<string, Postings>();
  private readonly docOfChunk = new Map<number, number>();
  private facts: StoredFacts[] = [];
  private factsByKey = new Map<string, number>();
  /** Documents `< persistedCount` are in saved segments; removals force a compacting save. */
  private persistedCount = 0;
  private removedSinceSave = 0;
  private mustSaveWhole = false;
  private scores = new Float32Array(0);
  private norms = new Float32Array(0);
  /** Cleared by every change to the documents; search then recomputes `norms`. */
  private normsCurrent = false;

  constructor(readonly parameters: Bm25Parameters = defaultBm25) {}

  get size(): number {
    return this.liveCount;
  }

  /** Adds a chunk; a chunk id already present is replaced. */
  add(document: Bm25Document): void {
    if (this.docOfChunk.has(document.chunkId)) this.remove(document.chunkId);
    const doc = this.docCount++;
    this.normsCurrent = false;
    this.ensureDocCapacity(this.docCount);
    this.chunkIds[doc] = document.chunkId;
    this.lengths[doc] = document.terms.length;
    this.factsOf[doc] = this.internFacts(toStoredFacts(document));
    this.docOfChunk.set(document.chunkId, doc);
    this.liveCount++;
    this.totalLength += document.terms.length;
    const counts = new Map<string, number>();
    for (const term of document.terms) counts.set(term, (counts.get(term) ?? 0) + 1);
    for (const [term, count] of counts) this.appendPosting(term, doc, Math.min(count, maxFrequency));
  }

  remove(chunkId: number): void {
    const doc = this.docOfChunk.get(chunkId);
    if (doc === undefined) return;
    this.docOfChunk.delete(chunkId);
    this.normsCurrent = false;
    this.chunkIds[doc] = removed;
    this.liveCount--;
    this.totalLength -= this.lengths[doc]!;
    this.removedSinceSave++;
    // Postings keep the removed document until the next compaction; search skips it. Until then its terms
    // still count in document frequencies, which moves idf slightly: acceptable for the time between saves.
  }

  has(chunkId: number): boolean {
    return this.docOfChunk.has(chunkId);
  }

  /** The best `limit` chunks for the query terms, best first; `filter` is applied before the cut. */
  search(queryTerms: readonly string[], limit: number, filter?: ChunkFilter): ScoredChunk[] {
    if (limit <= 0 || this.liveCount === 0) return [];
    const { k1 } = this.parameters;
    const norms = this.lengthNorms();
    const chunkIds = this.chunkIds;
    const factsOf = this.factsOf;
    const anyRemoved = this.liveCount !== this.docCount;
    const accept = filter && !filter.empty ? this.factsPredicate(filter) : undefined;
    if (this.scores.length < this.docCount) this.scores = new Float32Array(Math.max(this.docCount, this.scores.length * 2));
    const scores = this.scores;
    const touched: number[] = [];

    const weights = new Map<string, number>();
    for (const term of queryTerms) weights.set(term, (weights.get(term) ?? 0) + 1);
    for (const [term, queryFrequency] of weights) {
      const list = this.postings.get(term);
      if (!list) continue;
      const idf = Math.log(1 + (this.liveCount - list.length + 0.5) / (list.length + 0.5));
      const weight = queryFrequency * idf * (k1 + 1);
      const { docs, freqs, length } = list;
      for (let i = 0; i < length; i++) {
        const doc = docs[i]!;
        if (anyRemoved && chunkIds[doc] === removed) continue;
        if (accept && !accept(factsOf[doc]!)) continue;
        const tf = freqs[i]!;
        if (scores[doc] === 0) touched.push(doc);
        scores[doc]! += (weight * tf) / (tf + norms[doc]!);
      }
    }

    const best = topDocuments(touched, scores, limit).map((doc) => ({ chunkId: this.chunkIds[doc]!, score: scores[doc]! }));
    for (const doc of touched) scores[doc] = 0;
    return best;
  }

  /** k1·(1 − b + b·length/average) per document; recomputed after changes (the average moves with every add). */
  private lengthNorms(): Float32Array {
    if (!this.normsCurrent) {
      const { k1, b } = this.parameters;
      const averageLength = this.totalLength / this.liveCount || 1;
      if (this.norms.length < this.docCount) this.norms = new Float32Array(this.chunkIds.length);
      for (let doc = 0; doc < this.docCount; doc++) this.norms[doc] = k1 * (1 - b + (b * this.lengths[doc]!) / averageLength);
      this.normsCurrent = true;
    }
    return this.norms;
  }

  /**
   * What a save must write: the chunks added since the last save, or (when `full` is asked, after removals,
   * or after a failed full save) the whole index compacted into one segment. Call `markSaved` once written.
   */
  prepareSave(full = false): PendingSave {
    const whole = full || this.mustSaveWhole || this.removedSinceSave > 0;
    const removals = this.removedSinceSave;
    if (whole) {
      this.compact();
      // Numbering changed: until a whole save succeeds, no saved segment matches memory.
      this.mustSaveWhole = true;
    }
    const from = whole ? 0 : this.persistedCount;
    const bytes = this.encodeSegment(from, this.docCount);
    return { bytes, whole, empty: !whole && from === this.docCount, upTo: this.docCount, removals };
  }

  markSaved(save: PendingSave): void {
    this.persistedCount = save.upTo;
    if (save.whole) {
      this.mustSaveWhole = false;
      this.removedSinceSave -= save.removals;
    }
  }

  /** Appends a saved segment (segments are loaded in the order they were written). */
  loadSegment(bytes: Uint8Array): void {
    const segment = decodeSegment(bytes);
    const base = this.docCount;
    this.normsCurrent = false;
    this.ensureDocCapacity(base + segment.chunkIds.length);
    const factsMap = segment.facts.map((facts) => this.internFacts(facts));
    for (let i = 0; i < segment.chunkIds.length; i++) {
      const doc = base + i;
      const chunkId = segment.chunkIds[i]!;
      this.chunkIds[doc] = chunkId;
      this.lengths[doc] = segment.lengths[i]!;
      this.factsOf[doc] = factsMap[segment.factsOf[i]!]!;
      // A chunk saved again in a later segment (removed, then added back) replaces the earlier copy.
      const earlier = this.docOfChunk.get(chunkId);
      if (earlier !== undefined) {
        this.chunkIds[earlier] = removed;
        this.liveCount--;
        this.totalLength -= this.lengths[earlier]!;
        this.removedSinceSave++;
      }
      this.docOfChunk.set(chunkId, doc);
      this.liveCount++;
      this.totalLength += segment.lengths[i]!;
    }
    this.docCount = base + segment.chunkIds.length;
    let offset = 0;
    segment.terms.forEach((term, t) => {
      const count = segment.postingCounts[t]!;
      for (let i = offset; i < offset + count; i++) this.appendPosting(term, base + segment.docs[i]!, segment.freqs[i]!);
      offset += count;
    });
    this.persistedCount = this.docCount;
  }

  private appendPosting(term: string, doc: number, frequency: number): void {
    let list = this.postings.get(term);
    if (!list) {
      list = { docs: new Int32Array(4), freqs: new Uint16Array(4), length: 0 };
      this.postings.set(term, list);
    } else if (list.length === list.docs.length) {
      const docs = new Int32Array(list.docs.length * 2);
      docs.set(list.docs);
      const freqs = new Uint16Array(list.freqs.length * 2);
      freqs.set(list.freqs);
      list.docs = docs;
      list.freqs = freqs;
    }
    list.docs[list.length] = doc;
    list.freqs[list.length] = frequency;
    list.length++;
  }

  private ensureDocCapacity(count: number): void {
    if (count <= this.chunkIds.length) return;
    const capacity = Math.max(count, this.chunkIds.length * 2);
    const grow = <T extends Float64Array | Uint32Array | Int32Array>(array: T, make: (n: number) => T): T => {
      const next = make(capacity);
      next.set(array);
      return next;
    };
    this.chunkIds = grow(this.chunkIds, (n) => new Float64Array(n));
    this.lengths = grow(this.lengths, (n) => new Uint32Array(n));
    this.factsOf = grow(this.factsOf, (n) => new Int32Array(n));
  }

  private internFacts(facts: StoredFacts): number {
    const key = JSON.stringify([facts.documentId, facts.type, facts.project, facts.createdAtMs]);
    let index = this.factsByKey.get(key);
    if (index === undefined) {
      index = this.facts.length;
      this.facts.push(facts);
      this.factsByKey.set(key, index);
    }
    return index;
  }

  /** Memoizes the filter per distinct facts record: a document's chunks share one. */
  private factsPredicate(filter: ChunkFilter): (factsIndex: number) => boolean {
    const verdicts = new Int8Array(this.facts.length);
    return (index) => {
      let verdict = verdicts[index]!;
      if (verdict === 0) {
        verdict = filter.matches(this.facts[index]!) ? 1 : -1;
        verdicts[index] = verdict;
      }
      return verdict === 1;
    };
  }

  private compact(): void {
    if (this.liveCount === this.docCount) return;
    this.normsCurrent = false;
    const renumber = new Int32Array(this.docCount).fill(removed);
    let next = 0;
    for (let doc = 0; doc < this.docCount; doc++) {
      if (this.chunkIds[doc] === removed) continue;
      renumber[doc] = next;
      this.chunkIds[next] = this.chunkIds[doc]!;
      this.lengths[next] = this.lengths[doc]!;
      this.factsOf[next] = this.factsOf[doc]!;
      this.docOfChunk.set(this.chunkIds[next]!, next);
      next++;
    }
    this.docCount = next;
    for (const [term, list] of this.postings) {
      let kept = 0;
      for (let i = 0; i < list.length; i++) {
        const doc = renumber[list.docs[i]!]!;
        if (doc === removed) continue;
        list.docs[kept] = doc;
        list.freqs[kept] = list.freqs[i]!;
        kept++;
      }
      if (kept === 0) this.postings.delete(term);
      else list.length = kept;
    }
    // Facts no chunk uses any more are dropped too.
    const used = new Map<number, number>();
    const facts: StoredFacts[] = [];
    this.factsByKey = new Map();
    const previous = this.facts;
    this.facts = facts;
    for (let doc = 0; doc < this.docCount; doc++) {
      const old = this.factsOf[doc]!;
      let index = used.get(old);
      if (index === undefined) {
        index = this.internFacts(previous[old]!);
        used.set(old, index);
      }
      this.factsOf[doc] = index;
    }
  }

  private encodeSegment(from: number, to: number): Uint8Array {
    const count = to - from;
    const factsMap = new Map<number, number>();
    const facts: StoredFacts[] = [];
    const factsOf = new Int32Array(count);
    for (let i = 0; i < count; i++) {
      const old = this.factsOf[from + i]!;
      let index = factsMap.get(old);
      if (index === undefined) {
        index = facts.length;
        facts.push(this.facts[old]!);
        factsMap.set(old, index);
      }
      factsOf[i] = index;
    }
    const terms: string[] = [];
    const postingCounts: number[] = [];
    const docs: number[] = [];
    const freqs: number[] = [];
    for (const [term, list] of this.postings) {
      // Postings are in document order, so this segment's share is a suffix of each list.
      const start = lowerBound(list.docs, list.length, from);
      let kept = 0;
      for (let i = start; i < list.length && list.docs[i]! < to; i++) {
        if (this.chunkIds[list.docs[i]!] === removed) continue;
        docs.push(list.docs[i]! - from);
        freqs.push(list.freqs[i]!);
        kept++;
      }
      if (kept > 0) {
        terms.push(term);
        postingCounts.push(kept);
      }
    }
    return encodeSegment({
      chunkIds: this.chunkIds.slice(from, to),
      lengths: this.lengths.slice(from, to),
      factsOf,
      facts,
      terms,
      postingCounts: Uint32Array.from(postingCounts),
      docs: Int32Array.from(docs),
      freqs: Uint16Array.from(freqs),
    });
  }
}

function lowerBound(sorted: Int32Array, length: number, value: number): number {
  let low = 0;
  let high = length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (sorted[mid]! < value) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** The `limit` best-scoring documents, best first (ties: earlier document first), via a bounded min-heap. */
function topDocuments(candidates: readonly number[], scores: Float32Array, limit: number): number[] {
  // The heap is ordered worst-first: lower score, or equal score and later document.
  const worse = (a: number, b: number) => scores[a]! < scores[b]! || (scores[a] === scores[b] && a > b);
  const heap: number[] = [];
  const siftDown = (start: number) => {
    let i = start;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let worst = i;
      if (left < heap.length && worse(heap[left]!, heap[worst]!)) worst = left;
      if (right < heap.length && worse(heap[right]!, heap[worst]!)) worst = right;
      if (worst === i) return;
      [heap[i], heap[worst]] = [heap[worst]!, heap[i]!];
      i = worst;
    }
  };
  for (const doc of candidates) {
    if (heap.length < limit) {
      heap.push(doc);
      let i = heap.length - 1;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!worse(heap[i]!, heap[parent]!)) break;
        [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
        i = parent;
      }
    } else if (worse(heap[0]!, doc)) {
      heap[0] = doc;
      siftDown(0);
    }
  }
  return heap.sort((a, b) => (worse(a, b) ? 1 : worse(b, a) ? -1 : 0));
}
