/**
 * Reciprocal Rank Fusion (Cormack, Clarke & Büttcher, 2009): a chunk's fused score is the sum over the
 * rankings that hold it of 1 / (k + rank), ranks counted from 1. It needs no score calibration between BM25 and
 * cosine similarity, only ranks; k (default 60) damps how much the very top of one list dominates.
 */
export const defaultRrfK = 60;

export interface FusedItem<Key> {
  key: Key;
  score: number;
  /** The item's 1-based rank in each input ranking that holds it, by that ranking's index. */
  ranks: (number | undefined)[];
}

/** Fuses rankings (each best first, keys unique within a ranking) into one, best first; ties keep first-seen order. */
export function reciprocalRankFusion<Key>(rankings: readonly (readonly Key[])[], k: number = defaultRrfK): FusedItem<Key>[] {
  if (!(k >= 0)) throw new RangeError(`The RRF constant k must be zero or more, not ${k}.`);
  const fused = new Map<Key, FusedItem<Key>>();
  rankings.forEach((ranking, list) => {
    ranking.forEach((key, index) => {
      let item = fused.get(key);
      if (!item) {
        item = { key, score: 0, ranks: new Array<number | undefined>(rankings.length).fill(undefined) };
        fused.set(key, item);
      }
      if (item.ranks[list] !== undefined) return; // a repeated key counts once, at its best rank
      item.ranks[list] = index + 1;
      item.score += 1 / (k + index + 1);
    });
  });
  // Array.prototype.sort is stable, so equal scores keep the order in which items were first seen.
  return [...fused.values()].sort((a, b) => b.score - a.score);
}
