import { describe, expect, it } from 'vitest';
import { HashEmbedder } from '../../../app/core/models/index.js';

const dot = (a: Float32Array, b: Float32Array) => a.reduce((sum, value, i) => sum + value * b[i]!, 0);

describe('the built-in hash embedder', () => {
  it('gives deterministic unit vectors of the configured size', async () => {
    const embedder = new HashEmbedder({ dimensions: 256 });
    const [a, b] = await embedder.embed(['Refunds for train tickets', 'Refunds for train tickets']);
    expect(a).toHaveLength(256);
    expect(dot(a!, a!)).toBeCloseTo(1, 5);
    expect(Array.from(a!)).toEqual(Array.from(b!));
  });

  it('puts texts that share words and spellings closer than unrelated ones, in any script', async () => {
    const embedder = new HashEmbedder();
    const [query, related, inflected, unrelated] = await embedder.embed([
      'возврат билетов',
      'Сотрудники могут оформить возврат билетов',
      'возврата билета',
      'hotel cap in Europe',
    ]);
    expect(dot(query!, related!)).toBeGreaterThan(dot(query!, unrelated!) + 0.3);
    // Character trigrams carry inflected forms part of the way.
    expect(dot(query!, inflected!)).toBeGreaterThan(0.4);
  });

  it('gives the zero vector for text with no words', async () => {
    const [empty] = await new HashEmbedder({ dimensions: 8 }).embed(['  ...  ']);
    expect(Array.from(empty!)).toEqual(new Array(8).fill(0));
  });
});
