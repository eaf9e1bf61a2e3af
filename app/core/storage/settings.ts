/** Settings: small user choices stored as JSON under a key, read back through a zod schema. */
import type { z } from 'zod';
import type { Db } from './database.js';

export class Settings {
  constructor(private readonly db: Db) {}

  /** The stored value, or `fallback` when it is missing or no longer matches the schema. */
  get<T extends z.ZodType>(key: string, schema: T, fallback: z.output<T>): z.output<T> {
    const row = this.db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined;
    if (!row) return fallback;
    let value: unknown;
    try {
      value = JSON.parse(row.value);
    } catch {
      return fallback; // a damaged value is treated as unset; the next set() repairs it
    }
    const parsed = schema.safeParse(value);
    return parsed.success ? parsed.data : fallback;
  }

  set(key: string, value: unknown): void {
    this.db
      .prepare(
        `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
      )
      .run(key, JSON.stringify(value), new Date().toISOString());
  }
}
