/**
 * Small worlds for retrieval tests: a "concept" embedder that knows synonyms but not identifiers (so vector
 * search finds paraphrases and misses part numbers, the opposite of keyword search), a scripted reranker, and
 * a corpus of Russian and English passages with facts for filters.
 */
import type { CallOptions, Embedder, Reranker } from '../../../app/core/models/index.js';
import type { IndexedChunk } from '../../../app/core/retrieval/index.js';

/** Words that mean the same thing share a concept; words outside the table carry no meaning at all. */
const concepts: Record<string, string> = {
  car: 'vehicle',
  cars: 'vehicle',
  automobile: 'vehicle',
  automobiles: 'vehicle',
  vehicle: 'vehicle',
  repair: 'fix',
  repairs: 'fix',
  fix: 'fix',
  fixing: 'fix',
  maintenance: 'fix',
  invoice: 'bill',
  invoices: 'bill',
  bill: 'bill',
  billing: 'bill',
  payment: 'pay',
  pay: 'pay',
  paid: 'pay',
  deadline: 'due',
  due: 'due',
  overdue: 'due',
  contract: 'agreement',
  agreement: 'agreement',
  holiday: 'leave',
  vacation: 'leave',
  leave: 'leave',
  staff: 'people',
  employees: 'people',
  employee: 'people',
  people: 'people',
  train: 'rail',
  rail: 'rail',
  railway: 'rail',
  ticket: 'fare',
  tickets: 'fare',
  fare: 'fare',
  server: 'machine',
  computer: 'machine',
  machine: 'machine',
  outage: 'failure',
  failure: 'failure',
  downtime: 'failure',
};

export class ConceptEmbedder implements Embedder {
  readonly id = 'concepts-v1';
  readonly dimensions = 32;
  readonly maxTokens = 512;
  calls = 0;

  async countTokens(texts: string[]): Promise<number[]> {
    return texts.map((text) => text.split(/\s+/).filter(Boolean).length);
  }

  async embed(texts: string[], _options?: CallOptions): Promise<Float32Array[]> {
    this.calls++;
    return texts.map((text) => {
      const vector = new Float32Array(this.dimensions);
      for (const word of text.toLowerCase().match(/[a-z]+/g) ?? []) {
        const concept = concepts[word];
        if (concept) vector[slot(concept, this.dimensions)]! += 1;
      }
      if (vector.every((value) => value === 0)) {
        // No known concept: a direction drawn from the text itself, so such texts are unrelated to each other.
        let seed = slot(text, 1_000_003) + 1;
        for (let i = 0; i < this.dimensions; i++) vector[i] = ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) - 0.5;
      }
      const norm = Math.hypot(...vector);
      return vector.map((value) => value / norm);
    });
  }

  async dispose(): Promise<void> {}
}

function slot(concept: string, dimensions: number): number {
  let hash = 7;
  for (const char of concept) hash = (hash * 31 + char.charCodeAt(0)) % 100_003;
  return hash % dimensions;
}

/** Prefers passages that contain `favourite`; otherwise scores by shared words. Records what it was asked. */
export class ScriptedReranker implements Reranker {
  readonly id = 'scripted-reranker';
  readonly asked: { query: string; passages: string[] }[] = [];

  constructor(private readonly favourite: string) {}

  async rerank(query: string, passages: string[]): Promise<number[]> {
    this.asked.push({ query, passages });
    const words = new Set(query.toLowerCase().split(/\W+/).filter(Boolean));
    return passages.map(
      (passage) =>
        (passage.includes(this.favourite) ? 100 : 0) + passage.toLowerCase().split(/\W+/).filter((word) => words.has(word)).length,
    );
  }

  async dispose(): Promise<void> {}
}

/** A chunk with facts: `d<n>` documents, types, projects and dates to filter on. */
export function chunk(id: number, text: string, facts: Partial<Omit<IndexedChunk, 'id' | 'text'>> = {}): IndexedChunk {
  return {
    id,
    text,
    documentId: facts.documentId ?? `doc-${id}`,
    type: facts.type ?? 'md',
    project: facts.project ?? null,
    createdAt: facts.createdAt ?? '2025-01-15T10:00:00.000Z',
  };
}

/**
 * Passages where keyword and vector search each miss something: paraphrase questions (no shared words, shared
 * concepts) only vector search answers; part-number questions (identifiers the embedder cannot see) only
 * keyword search does. Distractors share surface words or concepts with the questions.
 */
export const mixedCorpus: IndexedChunk[] = [
  chunk(1, 'Automobile maintenance schedule for the fleet: oil every 10000 km.'),
  chunk(2, 'Invoice settlement: suppliers are paid within 30 days of the bill.'),
  chunk(3, 'Vacation policy: employees get 28 days of leave per year.'),
  chunk(4, 'Railway fare refunds are processed by the travel desk.'),
  chunk(5, 'Part X-7731 gasket replacement procedure for pump housing.'),
  chunk(6, 'Part Q-2209 bearing torque values for the conveyor.'),
  chunk(7, 'Firmware image FW-5520 must be flashed before the audit.'),
  chunk(8, 'Server downtime postmortem: the machine failure lasted two hours.'),
  chunk(9, 'The cafeteria menu changes every Monday.'),
  chunk(10, 'Parking permits are issued at the front desk.'),
  chunk(11, 'Quarterly report template with charts and tables.'),
  chunk(12, 'Office plants are watered on Fridays.'),
];

export interface LabelledQuery {
  query: string;
  relevant: number;
}

export const mixedQueries: LabelledQuery[] = [
  // Paraphrases: no word in common with the answer.
  { query: 'car repair', relevant: 1 },
  { query: 'when is a bill due for payment', relevant: 2 },
  { query: 'holiday for staff', relevant: 3 },
  { query: 'train ticket', relevant: 4 },
  { query: 'computer outage', relevant: 8 },
  // Identifiers: meaningless to the embedder.
  { query: 'X-7731', relevant: 5 },
  { query: 'Q-2209', relevant: 6 },
  { query: 'FW-5520', relevant: 7 },
];
