/** How the Models page writes figures and paths: parameter counts ("24.3M"), sizes ("96.1 MB"), timings ("412 ms"), file names. */

const COUNT_UNITS: ReadonlyArray<[number, string]> = [
  [1e12, 'T'],
  [1e9, 'B'],
  [1e6, 'M'],
  [1e3, 'K'],
];

/** "24.3M", "7B", "812.5K": the way model cards and file names write parameter counts. */
export function formatParameterCount(count: number): string {
  for (const [size, unit] of COUNT_UNITS) {
    if (count >= size) return `${withoutTrailingZero((count / size).toFixed(1))}${unit}`;
  }
  return String(Math.round(count));
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

export function formatMilliseconds(ms: number): string {
  return `${Math.round(ms).toLocaleString('en')} ms`;
}

export function formatTokens(count: number): string {
  return `${count.toLocaleString('en')} tokens`;
}

function withoutTrailingZero(fixed: string): string {
  return fixed.endsWith('.0') ? fixed.slice(0, -2) : fixed;
}

/** The file or folder name at the end of a path the core sent, whichever separator its system uses. */
export function lastPathSegment(source: string): string {
  return source.replace(/[\\/]+$/, '').split(/[\\/]/).pop() || source;
}
