import { describe, expect, it } from 'vitest';
import { reciprocalRankFusion } from '../../../app/core/retrieval/index.js';

describe('reciprocal rank fusion', () => {
  it('sums 1/(k + rank) over the rankings that hold an item, ranks counted from 1', () => {
    const keyword = ['a', 'b', 'c'];
    const vector = ['c', 'a', 'd'];
    const fused = reciprocalRankFusion([keyword, vector], 60);

    expect(fused.map((item) => item.key)).toEqual(['a', 'c', 'b', 'd']);
    const byKey = new Map(fused.map((item) => [item.key, item]));
    expect(byKey.get('a')!.score).toBeCloseTo(1 / 61 + 1 / 62, 12);
    expect(byKey.get('c')!.score).toBeCloseTo(1 / 63 + 1 / 61, 12);
    expect(byKey.get('b')!.score).toBeCloseTo(1 / 62, 12);
    expect(byKey.get('d')!.score).toBeCloseTo(1 / 63, 12);
    expect(byKey.get('a')!.ranks).toEqual([1, 2]);
    expect(byKey.get('d')!.ranks).toEqual([undefined, 3]);
  });

  it('lets a small k favour the top of one list over agreement further down', () => {
    // With k = 0 the keyword top hit (1/1) beats an item both lists hold at rank 3 (1/3 + 1/3).
    const fused = reciprocalRankFusion([['x', 'p', 'both'], ['y', 'q', 'both']], 0);
    expect(fused[0]!.key).toBe('x');
    const fusedLargeK = reciprocalRankFusion([['x', 'p', 'both'], ['y', 'q', 'both']], 1000);
    expect(fusedLargeK[0]!.key).toBe('both');
  });

  it('keeps first-seen order on ties and counts a repeated key once, at its best rank', () => {
    const fused = reciprocalRankFusion([['a', 'b'], ['b', 'a', 'a']], 60);
    expect(fused.map((item) => item.key)).toEqual(['a', 'b']);
    expect(fused[0]!.score).toBeCloseTo(fused[1]!.score, 12);
  });
});
