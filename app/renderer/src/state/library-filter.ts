/**
 * The library filter: which documents it lets through (name, format, project, date added), and the same set
 * as the core's SearchFilter, so a question can be asked of exactly the documents the user sees.
 */
import type { DocumentFormat, DocumentInfo, SearchFilter } from '../../../../schemas/index.js';

export interface DocumentFilter {
  /** Matched against document names, ignoring case. */
  text: string;
  format: DocumentFormat | 'all';
  /** One project's documents, or null for every document. */
  project: string | null;
  /** Date added, both days included, as `YYYY-MM-DD` in the user's time zone (what `<input type=date>` gives); '' for no bound. */
  addedFrom: string;
  addedTo: string;
}

export const noFilter: DocumentFilter = { text: '', format: 'all', project: null, addedFrom: '', addedTo: '' };

/** The most document ids a SearchFilter may list (`SearchFilter.documentIds` in schemas/rpc.ts). */
const maxDocumentIds = 1000;

export function isFiltering(filter: DocumentFilter): boolean {
  return filter.text.trim() !== '' || filter.format !== 'all' || filter.project !== null || filter.addedFrom !== '' || filter.addedTo !== '';
}

export function filterDocuments(documents: readonly DocumentInfo[], filter: DocumentFilter): DocumentInfo[] {
  const needle = filter.text.trim().toLowerCase();
  const from = startOfDay(filter.addedFrom);
  const before = startOfDay(filter.addedTo, 1);
  return documents.filter((document) => {
    if (filter.format !== 'all' && document.format !== filter.format) return false;
    if (filter.project !== null && document.project !== filter.project) return false;
    if (needle !== '' && !document.name.toLowerCase().includes(needle)) return false;
    const added = Date.parse(document.createdAt);
    if (from !== undefined && !(added >= from.getTime())) return false;
    if (before !== undefined && !(added < before.getTime())) return false;
    return true;
  });
}

/** The projects documents were added under, sorted for a select. */
export function projectsOf(documents: readonly DocumentInfo[]): string[] {
  const projects = new Set<string>();
  for (const document of documents) if (document.project !== undefined) projects.add(document.project);
  return [...projects].sort((a, b) => a.localeCompare(b));
}

/**
 * The SearchFilter that lets through exactly `visible` (the documents this filter shows): their ids, as a
 * name filter has no SearchFilter field. Past the ids a SearchFilter may list, the other fields say the same
 * thing when there is no name filter; with one, there is no exact translation and the result is undefined.
 */
export function searchFilterOf(filter: DocumentFilter, visible: readonly DocumentInfo[]): SearchFilter | undefined {
  if (visible.length <= maxDocumentIds) return { documentIds: visible.map((document) => document.id) };
  if (filter.text.trim() !== '') return undefined;
  const from = startOfDay(filter.addedFrom);
  const before = startOfDay(filter.addedTo, 1);
  return {
    ...(filter.format !== 'all' ? { types: [filter.format] } : {}),
    ...(filter.project !== null ? { projects: [filter.project] } : {}),
    ...(from ? { createdFrom: from.toISOString() } : {}),
    ...(before ? { createdBefore: before.toISOString() } : {}),
  };
}

/** Local midnight at the start of `day` (`YYYY-MM-DD`) plus `plusDays`; undefined for '' or a malformed day. */
function startOfDay(day: string, plusDays = 0): Date | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) return undefined;
  // The Date constructor rolls the day over months and daylight-saving changes by itself.
  return new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]) + plusDays);
}
