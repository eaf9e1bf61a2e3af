/**
 * The BM25 index's segment file: one batch of chunks with their postings, written by a save and read back in
 * order on start. The magic, a JSON header (counts and the facts records; dates as numbers, none as null),
 * then the arrays, each starting on an 8-byte boundary.
 */
import type { StoredFacts } from './filters.js';

export interface Segment {
  chunkIds: Float64Array;
  lengths: Uint32Array;
  factsOf: Int32Array;
  facts: StoredFacts[];
  terms: string[];
  postingCounts: Uint32Array;
  docs: Int32Array;
  freqs: Uint16Array;
}

const segmentMagic = 'HBM25S1\n';

export function encodeSegment(segment: Segment): Uint8Array {
  const termBytes = Buffer.from(segment.terms.join('\n'), 'utf8');
  const header = Buffer.from(
    JSON.stringify({
      docs: segment.chunkIds.length,
      terms: segment.terms.length,
      postings: segment.docs.length,
      termBytes: termBytes.length,
      facts: segment.facts.map((f) => [f.documentId, f.type, f.project, Number.isNaN(f.createdAtMs) ? null : f.createdAtMs]),
    }),
    'utf8',
  );
  const parts: Uint8Array[] = [
    Buffer.from(segmentMagic, 'latin1'),
    uint32(header.length),
    header,
    asBytes(segment.chunkIds),
    asBytes(segment.lengths),
    asBytes(segment.factsOf),
    termBytes,
    asBytes(segment.postingCounts),
    asBytes(segment.docs),
    asBytes(segment.freqs),
  ];
  let size = 0;
  for (const part of parts) size = align(size) + part.length;
  const out = new Uint8Array(size);
  let offset = 0;
  for (const part of parts) {
    offset = align(offset);
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

export function decodeSegment(bytes: Uint8Array): Segment {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer.toString('latin1', 0, segmentMagic.length) !== segmentMagic) throw new Error('Not a BM25 segment file.');
  let offset = align(segmentMagic.length);
  const headerLength = buffer.readUInt32LE(offset);
  offset = align(offset + 4);
  const header = JSON.parse(buffer.toString('utf8', offset, offset + headerLength)) as {
    docs: number;
    terms: number;
    postings: number;
    termBytes: number;
    facts: [string | null, string | null, string | null, number | null][];
  };
  offset += headerLength;
  // Copies, not views: the file's buffer is released once loaded, and the index grows these arrays anyway.
  const take = <T>(make: (source: ArrayBuffer) => T, bytesPer: number, count: number): T => {
    offset = align(offset);
    const end = offset + bytesPer * count;
    if (end > buffer.length) throw new Error('The BM25 segment file is truncated.');
    const copy = new Uint8Array(end - offset);
    copy.set(buffer.subarray(offset, end));
    offset = end;
    return make(copy.buffer);
  };
  const chunkIds = take((b) => new Float64Array(b), 8, header.docs);
  const lengths = take((b) => new Uint32Array(b), 4, header.docs);
  const factsOf = take((b) => new Int32Array(b), 4, header.docs);
  offset = align(offset);
  const termText = buffer.toString('utf8', offset, offset + header.termBytes);
  offset += header.termBytes;
  const postingCounts = take((b) => new Uint32Array(b), 4, header.terms);
  const docs = take((b) => new Int32Array(b), 4, header.postings);
  const freqs = take((b) => new Uint16Array(b), 2, header.postings);
  const terms = header.terms === 0 ? [] : termText.split('\n');
  if (terms.length !== header.terms) throw new Error('The BM25 segment file has a damaged term list.');
  return {
    chunkIds,
    lengths,
    factsOf,
    facts: header.facts.map(([documentId, type, project, createdAtMs]) => ({ documentId, type, project, createdAtMs: createdAtMs ?? Number.NaN })),
    terms,
    postingCounts,
    docs,
    freqs,
  };
}

const align = (offset: number) => (offset + 7) & ~7;

function uint32(value: number): Uint8Array {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32LE(value);
  return bytes;
}

function asBytes(array: Float64Array | Uint32Array | Int32Array | Uint16Array): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}
