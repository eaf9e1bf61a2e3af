/**
 * Metadata filters: what a search may be narrowed to (spaces, projects, documents, types, a date range), and
 * the two forms they take — a predicate over a chunk's facts for the keyword index, and an SQL `where` for
 * LanceDB. The space part is never taken from the caller alone: `searchableSpaces` intersects it with the
 * access list the caller's identity grants.
 */
import { HearthError } from '../../../schemas/index.js';

export interface ChunkFacts {
  documentId?: string | undefined;
  /** What kind of source the chunk comes from, e.g. the document's format (`pdf`, `docx`, `md`…). */
  type?: string | undefined;
  project?: string | null | undefined;
  /** When the source was added (ISO 8601). */
  createdAt?: string | undefined;
}

export interface RetrievalFilter {
  /** Narrows the search to some of the allowed spaces; spaces outside the access list are ignored. */
  spaces?: readonly string[];
  projects?: readonly string[];
  documentIds?: readonly string[];
  types?: readonly string[];
  /** Inclusive lower bound on `createdAt` (ISO 8601 or a Date). */
  createdFrom?: string | Date;
  /** Exclusive upper bound on `createdAt`. */
  createdBefore?: string | Date;
}

/** Facts as the keyword index stores them: absent values are null, the date is epoch milliseconds (NaN if none). */
export interface StoredFacts {
  documentId: string | null;
  type: string | null;
  project: string | null;
  createdAtMs: number;
}

export function toStoredFacts(facts: ChunkFacts): StoredFacts {
  return {
    documentId: facts.documentId ?? null,
    type: facts.type ?? null,
    project: facts.project ?? null,
    createdAtMs: facts.createdAt ? Date.parse(facts.createdAt) : Number.NaN,
  };
}

/** The spaces a search may read: the caller's access list, narrowed (never widened) by the filter. */
export function searchableSpaces(allowedSpaces: readonly string[], filter: RetrievalFilter | undefined): string[] {
  const allowed = [...new Set(allowedSpaces)];
  if (!filter?.spaces) return allowed;
  const wanted = new Set(filter.spaces);
  return allowed.filter((space) => wanted.has(space));
}

/** A filter on everything but the space (spaces are whole indexes and tables, chosen before searching). */
export interface ChunkFilter {
  /** True when the filter narrows nothing. */
  readonly empty: boolean;
  matches(facts: StoredFacts): boolean;
  /** The same condition as an SQL predicate over the vector table's columns, or undefined when empty. */
  toSql(): string | undefined;
}

export function compileFilter(filter: RetrievalFilter | undefined): ChunkFilter {
  const projects = filter?.projects ? new Set(filter.projects) : undefined;
  const documents = filter?.documentIds ? new Set(filter.documentIds) : undefined;
  const types = filter?.types ? new Set(filter.types) : undefined;
  const from = toMillis(filter?.createdFrom, 'createdFrom');
  const before = toMillis(filter?.createdBefore, 'createdBefore');
  const empty = !projects && !documents && !types && from === undefined && before === undefined;
  return {
    empty,
    matches(facts) {
      if (projects && (facts.project === null || !projects.has(facts.project))) return false;
      if (documents && (facts.documentId === null || !documents.has(facts.documentId))) return false;
      if (types && (facts.type === null || !types.has(facts.type))) return false;
      // NaN (no date) fails both comparisons, so an undated chunk never passes a date filter.
      if (from !== undefined && !(facts.createdAtMs >= from)) return false;
      if (before !== undefined && !(facts.createdAtMs < before)) return false;
      return true;
    },
    toSql() {
      const clauses: string[] = [];
      if (projects) clauses.push(inList('project', projects));
      if (documents) clauses.push(inList('document_id', documents));
      if (types) clauses.push(inList('type', types));
      if (from !== undefined) clauses.push(`created_at >= ${sqlTimestamp(from)}`);
      if (before !== undefined) clauses.push(`created_at < ${sqlTimestamp(before)}`);
      return clauses.length ? clauses.join(' AND ') : undefined;
    },
  };
}

/** An SQL string literal: single quotes doubled, so a value can never end the literal early. */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

function inList(column: string, values: Set<string>): string {
  // An empty list matches nothing; `IN ()` is not valid SQL.
  return values.size === 0 ? 'false' : `${column} IN (${[...values].map(sqlString).join(', ')})`;
}

function sqlTimestamp(ms: number): string {
  return `arrow_cast(${Math.trunc(ms)}, 'Timestamp(Millisecond, None)')`;
}

function toMillis(value: string | Date | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const ms = value instanceof Date ? value.getTime() : Date.parse(value);
  if (Number.isNaN(ms)) throw new HearthError('BAD_REQUEST', `The search filter's ${name} is not a date: ${String(value)}. Use ISO 8601, e.g. 2025-03-01.`);
  return ms;
}
