/** Store records keyed by id (deletions, re-reads, preparations by space): updated without mutating the old one. */

/** A copy of `record` with `key` set to `value`, or without `key` when `value` is undefined. */
export function withEntry<T>(record: Readonly<Record<string, T>>, key: string, value: T | undefined): Record<string, T> {
  const next = { ...record };
  if (value === undefined) delete next[key];
  else next[key] = value;
  return next;
}
