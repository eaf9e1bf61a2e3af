/**
 * Integer bounds as GBNF: the decimal strings of the integers in [min, max], digit by digit (the way a
 * regex for a numeric range is built), so `minimum`/`maximum` on an integer hold while it is written.
 */

/** The GBNF for integers in [min, max] (either end open), written as JSON writes them. */
export function integerRange(min: bigint | undefined, max: bigint | undefined): string {
  const parts: string[] = [];
  if (max === undefined || max >= 0n) parts.push(nonNegative(min === undefined || min < 0n ? 0n : min, max));
  if (min === undefined || min < 0n) {
    const low = max === undefined || max >= 0n ? 1n : -max;
    parts.push(`"-" ${group(nonNegative(low, min === undefined ? undefined : -min))}`);
  }
  return parts.length === 1 ? parts[0]! : parts.map(group).join(' | ');
}

/** Integers in [low, high] with low ≥ 0; high undefined is no upper end. */
function nonNegative(low: bigint, high: bigint | undefined): string {
  if (high !== undefined && high < low) throw new Error(`empty integer range ${low}..${high}`);
  if (low === 0n) {
    if (high === 0n) return '"0"';
    return `"0" | ${group(nonNegative(1n, high))}`;
  }
  const a = low.toString();
  if (high === undefined) return [atLeast(a), `[1-9] [0-9]{${a.length},}`].map(group).join(' | ');
  const b = high.toString();
  if (a.length === b.length) return between(a, b);
  const parts = [atLeast(a)];
  for (let length = a.length + 1; length < b.length; length++) parts.push(`[1-9] [0-9]{${length - 1}}`);
  parts.push(atMost(b, true));
  return parts.map(group).join(' | ');
}

/** Digit strings as long as `s` and ≥ s. */
function atLeast(s: string): string {
  if (s.length === 0) return '""';
  const d = Number(s[0]);
  const rest = s.slice(1);
  const parts = [`${digit(d)}${rest ? ` ${group(atLeast(rest))}` : ''}`];
  if (d < 9) parts.push(`${digitRange(d + 1, 9)}${any(rest.length)}`);
  return parts.join(' | ');
}

/** Digit strings as long as `s` and ≤ s (no leading zero when `leading`). */
function atMost(s: string, leading: boolean): string {
  if (s.length === 0) return '""';
  const d = Number(s[0]);
  const rest = s.slice(1);
  const parts = [`${digit(d)}${rest ? ` ${group(atMost(rest, false))}` : ''}`];
  const first = leading ? 1 : 0;
  if (d > first) parts.push(`${digitRange(first, d - 1)}${any(rest.length)}`);
  return parts.join(' | ');
}

/** Digit strings of one length between a and b. */
function between(a: string, b: string): string {
  if (a.length === 0) return '""';
  if (a[0] === b[0]) {
    const rest = between(a.slice(1), b.slice(1));
    return `${digit(Number(a[0]))}${rest === '""' ? '' : ` ${group(rest)}`}`;
  }
  const da = Number(a[0]);
  const db = Number(b[0]);
  const restA = a.slice(1);
  const restB = b.slice(1);
  const parts = [`${digit(da)}${restA ? ` ${group(atLeast(restA))}` : ''}`];
  if (db - da > 1) parts.push(`${digitRange(da + 1, db - 1)}${any(restA.length)}`);
  parts.push(`${digit(db)}${restB ? ` ${group(atMost(restB, false))}` : ''}`);
  return parts.join(' | ');
}

function digit(d: number): string {
  return `"${d}"`;
}

function digitRange(from: number, to: number): string {
  return from === to ? digit(from) : `[${from}-${to}]`;
}

function any(count: number): string {
  return count === 0 ? '' : count === 1 ? ' [0-9]' : ` [0-9]{${count}}`;
}

function group(expression: string): string {
  return expression.includes('|') ? `(${expression})` : expression;
}
