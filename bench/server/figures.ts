/** Latencies by method, errors by code and the tables the server bench prints them in. */

export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** Milliseconds, one decimal below 100, whole above; a dash when there is nothing to show. */
export function ms(value: number | undefined): string {
  if (value === undefined || Number.isNaN(value)) return '—';
  return value < 100 ? value.toFixed(1) : value.toFixed(0);
}

export function mib(bytes: number): string {
  return (bytes / 2 ** 20).toFixed(1);
}

/** Per method: each request's milliseconds, and how many failed with which code. */
export class RequestLog {
  readonly latencies = new Map<string, number[]>();
  readonly errors = new Map<string, number>();

  record(method: string, millis: number): void {
    let list = this.latencies.get(method);
    if (!list) this.latencies.set(method, (list = []));
    list.push(millis);
  }

  failed(method: string, code: string): void {
    const key = `${method} ${code}`;
    this.errors.set(key, (this.errors.get(key) ?? 0) + 1);
  }

  errorCount(): number {
    return [...this.errors.values()].reduce((a, b) => a + b, 0);
  }
}

/** A Markdown table with columns padded to their widest cell, so it reads in a terminal and pastes into the docs. */
export function printTable(headers: string[], rows: string[][]): void {
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((cell, column) => cell.padEnd(widths[column]!)).join(' | ')} |`;
  console.log(line(headers));
  console.log(`|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`);
  for (const row of rows) console.log(line(row));
}
