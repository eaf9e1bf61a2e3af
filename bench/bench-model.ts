/**
 * The GGUFs the LLM benchmarks run on: llama-shaped models of a realistic size written by the tiny-llama
 * fixture (random weights: the speed is real, the text is not), kept in the temp folder across runs.
 */
import { existsSync } from 'node:fs';
import { mkdir, rename } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { writeTinyLlama, type TinyLlamaOptions } from '../tests/fixtures/models/tiny-llama.js';

export const modelDir = path.join(os.tmpdir(), 'hearth-bench');

/** A llama-shaped f16 GGUF of about `target` parameters, written once and kept in the temp folder. */
export async function benchModel(target: number, seed: number): Promise<string> {
  const embedding = target <= 60e6 ? 512 : target <= 150e6 ? 768 : target <= 400e6 ? 1024 : 2048;
  const heads = embedding / 64;
  const kvHeads = heads / 2;
  const feedForward = Math.ceil((embedding * 2.75) / 16) * 16;
  const perLayer = 2 * embedding * embedding + 2 * embedding * (embedding / 2) + 3 * embedding * feedForward;
  const layers = Math.max(1, Math.round((target - 2 * 700 * embedding) / perLayer));
  const options: TinyLlamaOptions = { layers, embedding, heads, kvHeads, feedForward, seed, type: 'f16' };
  const file = path.join(modelDir, `llama-${layers}x${embedding}-f16-seed${seed}.gguf`);
  await mkdir(modelDir, { recursive: true });
  if (!existsSync(file)) {
    console.log(`writing ${file} (once)…`);
    await writeTinyLlama(`${file}.partial`, options);
    await rename(`${file}.partial`, file);
  }
  return file;
}

export function parseCount(text: string): number {
  const match = /^(\d+(?:\.\d+)?)([kKmMbB]?)$/.exec(text.trim());
  if (!match) throw new Error(`--params ${text}: expected counts like 25M or 1.5B, comma-separated`);
  const scale = { '': 1, k: 1e3, m: 1e6, b: 1e9 }[match[2]!.toLowerCase() as '' | 'k' | 'm' | 'b'];
  return Number(match[1]) * scale;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
