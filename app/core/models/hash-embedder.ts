/**
 * The built-in embedder when no embedding model is installed: feature hashing of words and character
 * trigrams into a fixed-size vector, L2-normalized. No weights, deterministic, any script. It captures
 * shared vocabulary and spelling variants, not meaning; the UI says so.
 */
import { estimateTokens } from './token-estimate.js';
import type { Embedder } from './types.js';

export interface HashEmbedderOptions {
  dimensions?: number;
}

const wordWeight = 1;
const trigramWeight = 0.5;

export class HashEmbedder implements Embedder {
  readonly id = 'hash';
  readonly dimensions: number;
  /** It hashes all of a text, however long. */
  readonly maxTokens = Number.POSITIVE_INFINITY;

  constructor(options: HashEmbedderOptions = {}) {
    this.dimensions = options.dimensions ?? 384;
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    return texts.map((text) => this.embedOne(text));
  }

  /**
   * Words are what it hashes, but chunks sized in words would be too long for the real embedder a user may
   * install later (the chunks stay): they are sized in estimated subword tokens instead.
   */
  async countTokens(texts: string[]): Promise<number[]> {
    return texts.map(estimateTokens);
  }

  embedOne(text: string): Float32Array {
    const counts = new Map<number, number>();
    const add = (feature: string, weight: number) => {
      const hash = fnv1a(feature);
      // The top bit picks a sign, so unrelated features cancel out on average instead of piling up.
      const signed = hash & 0x80000000 ? -weight : weight;
      const slot = (hash & 0x7fffffff) % this.dimensions;
      counts.set(slot, (counts.get(slot) ?? 0) + signed);
    };
    for (const word of text.toLowerCase().normalize('NFC').match(/[\p{L}\p{N}]+/gu) ?? []) {
      add(`w:${word}`, wordWeight);
      const padded = `^${word}$`;
      for (let i = 0; i + 3 <= padded.length; i++) add(`t:${padded.slice(i, i + 3)}`, trigramWeight);
    }
    const vector = new Float32Array(this.dimensions);
    let norm = 0;
    for (const [slot, value] of counts) {
      // Sublinear term frequency: a word said ten times is not ten times the evidence.
      const damped = Math.sign(value) * Math.log1p(Math.abs(value));
      vector[slot] = damped;
      norm += damped * damped;
    }
    norm = Math.sqrt(norm);
    if (norm > 0) for (let i = 0; i < vector.length; i++) vector[i]! /= norm;
    return vector;
  }

  async dispose(): Promise<void> {
    // Nothing is held.
  }
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
