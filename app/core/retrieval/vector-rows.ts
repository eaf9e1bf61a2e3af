/**
 * How chunk vectors lie in a space's LanceDB table: the schema (which records the embedder that made the
 * vectors) and rows turned into Arrow columns — one Float32Array for all vectors, no per-row objects, which
 * makes adding rows several times faster than LanceDB's conversion of plain objects.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type { Schema, Table } from 'apache-arrow';
import type { ChunkFacts } from './filters.js';

// LanceDB checks `instanceof` against the CommonJS build of apache-arrow it requires; an ESM import would load
// a second copy whose tables it rejects. apache-arrow is LanceDB's peer dependency (installed with it).
const arrow = createRequire(import.meta.url)('apache-arrow') as typeof import('apache-arrow');

export interface EmbedderIdentity {
  readonly id: string;
  readonly dimensions: number;
}

export interface VectorRow extends ChunkFacts {
  chunkId: number;
  vector: Float32Array;
  /** Stored only when the store keeps text (`fullText`). */
  text?: string;
}

export const metaEmbedder = 'hearth.embedder';
export const metaDimensions = 'hearth.dimensions';

export function tableSchema(embedder: EmbedderIdentity, withText: boolean): Schema {
  const fields = [
    new arrow.Field('chunk_id', new arrow.Int64(), false),
    new arrow.Field('document_id', new arrow.Utf8(), true),
    new arrow.Field('space', new arrow.Utf8(), false),
    new arrow.Field('project', new arrow.Utf8(), true),
    new arrow.Field('type', new arrow.Utf8(), true),
    new arrow.Field('created_at', new arrow.TimestampMillisecond(), true),
    new arrow.Field('vector', vectorType(embedder.dimensions), false),
  ];
  if (withText) fields.push(new arrow.Field('text', new arrow.Utf8(), true));
  return new arrow.Schema(
    fields,
    new Map([
      [metaEmbedder, embedder.id],
      [metaDimensions, String(embedder.dimensions)],
    ]),
  );
}

export function toArrowTable(schema: Schema, spaceId: string, rows: readonly VectorRow[]): Table {
  const n = rows.length;
  const dims = (schema.fields.find((field) => field.name === 'vector')!.type as InstanceType<typeof arrow.FixedSizeList>).listSize;
  const vectors = new Float32Array(n * dims);
  rows.forEach((row, i) => vectors.set(normalized(row.vector), i * dims));
  const dates = rows.map((row) => (row.createdAt ? Date.parse(row.createdAt) : Number.NaN));
  const columns = [
    arrow.makeData({ type: new arrow.Int64(), length: n, data: BigInt64Array.from(rows, (row) => BigInt(Math.trunc(row.chunkId))) }),
    utf8(rows.map((row) => row.documentId ?? null)),
    utf8(rows.map(() => spaceId)),
    utf8(rows.map((row) => row.project ?? null)),
    utf8(rows.map((row) => row.type ?? null)),
    arrow.vectorFromArray(
      dates.map((ms) => (Number.isNaN(ms) ? null : ms)),
      new arrow.TimestampMillisecond(),
    ).data[0]!,
    arrow.makeData({
      type: vectorType(dims),
      length: n,
      nullCount: 0,
      child: arrow.makeData({ type: new arrow.Float32(), length: n * dims, data: vectors }),
    }),
  ];
  if (schema.fields.some((field) => field.name === 'text')) columns.push(utf8(rows.map((row) => row.text ?? null)));
  const data = arrow.makeData({ type: new arrow.Struct(schema.fields), length: n, nullCount: 0, children: columns });
  return new arrow.Table(schema, [new arrow.RecordBatch(schema, data)]);
}

/** Table names allow letters, digits, `_`, `-` and `.`; anything else is replaced and the name made unique by a hash. */
export function tableName(spaceId: string): string {
  const safe = spaceId.replace(/[^A-Za-z0-9_-]/g, '_');
  return safe === spaceId ? `space_${spaceId}` : `space_${safe}_${createHash('sha256').update(spaceId).digest('hex').slice(0, 8)}`;
}

/** Unit length (the Embedder contract promises it; a remote server may not keep it). Zero vectors stay zero. */
export function normalized(vector: Float32Array): Float32Array {
  let norm = 0;
  for (let i = 0; i < vector.length; i++) norm += vector[i]! * vector[i]!;
  norm = Math.sqrt(norm);
  if (norm === 0 || Math.abs(norm - 1) < 1e-4) return vector;
  return vector.map((value) => value / norm);
}

function vectorType(dimensions: number) {
  return new arrow.FixedSizeList(dimensions, new arrow.Field('item', new arrow.Float32(), true));
}

function utf8(values: (string | null)[]) {
  return arrow.vectorFromArray(values, new arrow.Utf8()).data[0]!;
}
