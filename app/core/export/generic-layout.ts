/**
 * A layout for any JSON a user's template produces: object keys become headings, strings paragraphs,
 * arrays of flat objects tables, arrays of plain values lists. A `citations` (or `sources`) field of passage
 * numbers is read as the citations of what it sits beside, the convention Hearth's own templates follow.
 */
import type { Block, Cited, DocumentSection } from './report-document.js';
import type { LaidOut } from './built-in-layouts.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

// Only `citations`: it is the one key a report's numbers are checked under against its evidence
// (core/reports' citationErrors), so a number shown as a passage is always one that was retrieved.
const citationKeys = new Set(['citations']);
const titleKeys = ['title', 'name', 'heading', 'subject'];
const textKeys = new Set(['text', 'summary', 'description', 'body', 'content', 'statement', 'claim']);

export function layOutGeneric(value: unknown, fallbackTitle: string): LaidOut {
  const json = value as Json;
  if (!isObject(json)) {
    return { title: fallbackTitle, sections: sectionsOf('Result', json, 1) };
  }
  const titleKey = titleKeys.find((key) => typeof json[key] === 'string' && (json[key] as string).trim() !== '');
  const title = titleKey ? (json[titleKey] as string) : fallbackTitle;
  const sections: DocumentSection[] = [];
  // Plain values at the top (a date, a status, a count) read best together, before the sections.
  const facts = Object.entries(json).filter(([key, item]) => key !== titleKey && !citationKeys.has(key) && isShortScalar(item));
  if (facts.length > 0) {
    const heading = Object.keys(json).some((key) => humanize(key) === 'Overview') ? 'Details' : 'Overview';
    sections.push({ heading, level: 1, blocks: [{ kind: 'facts', cites: citesIn(json), facts: facts.map(([key, item]) => ({ label: humanize(key), value: scalarText(item) })) }] });
  }
  for (const [key, item] of Object.entries(json)) {
    if (key === titleKey || citationKeys.has(key) || isShortScalar(item) || item === null) continue;
    sections.push(...sectionsOf(humanize(key), item, 1));
  }
  return { title, sections };
}

function sectionsOf(heading: string, value: Json, level: 1 | 2 | 3): DocumentSection[] {
  if (value === null) return [];
  if (!Array.isArray(value) && !isObject(value)) {
    return [{ heading, level, blocks: [{ kind: 'paragraph', text: scalarText(value), cites: [] }] }];
  }
  if (Array.isArray(value)) return arraySections(heading, value, level);
  const own: Block[] = [];
  const nested: DocumentSection[] = [];
  const cites = citesIn(value);
  const scalars = Object.entries(value).filter(([key, item]) => !citationKeys.has(key) && item !== null && !Array.isArray(item) && !isObject(item));
  // An object that is one text and its citations (`{ text, citations }`) is a cited paragraph; other plain
  // values keep their labels.
  const [onlyKey, onlyValue] = scalars.length === 1 ? scalars[0]! : [undefined, undefined];
  const text = onlyKey !== undefined && typeof onlyValue === 'string' && (textKeys.has(onlyKey) || !isShortScalar(onlyValue)) ? onlyValue : undefined;
  if (text !== undefined) own.push({ kind: 'paragraph', text, cites });
  else if (scalars.length > 0) own.push({ kind: 'facts', cites, facts: scalars.map(([key, item]) => ({ label: humanize(key), value: scalarText(item) })) });
  for (const [key, item] of Object.entries(value)) {
    if (citationKeys.has(key) || item === null || (!Array.isArray(item) && !isObject(item))) continue;
    if (level === 3) own.push({ kind: 'paragraph', text: `${humanize(key)}: ${compact(item)}`, cites: [] });
    else nested.push(...sectionsOf(humanize(key), item, (level + 1) as 2 | 3));
  }
  return [{ heading, level, blocks: own }, ...nested];
}

function arraySections(heading: string, items: Json[], level: 1 | 2 | 3): DocumentSection[] {
  const present = items.filter((item) => item !== null);
  if (present.length === 0) return [{ heading, level, blocks: [{ kind: 'paragraph', text: '(none)', cites: [] }] }];
  if (present.every((item) => !Array.isArray(item) && !isObject(item))) {
    return [{ heading, level, blocks: [{ kind: 'claims', style: 'bullets', items: present.map((item) => ({ text: scalarText(item), cites: [] })) }] }];
  }
  const objects = present.filter(isObject);
  if (objects.length === present.length && objects.every(isFlat)) {
    const claims = asClaims(objects);
    if (claims) return [{ heading, level, blocks: [{ kind: 'claims', style: 'bullets', items: claims }] }];
    const columns = [...new Set(objects.flatMap((item) => Object.keys(item).filter((key) => !citationKeys.has(key))))];
    return [
      {
        heading,
        level,
        blocks: [
          {
            kind: 'table',
            columns: columns.map(humanize),
            citeColumn: Math.max(0, columns.findIndex((key) => typeof objects.find((item) => typeof item[key] === 'string')?.[key] === 'string')),
            rows: objects.map((item) => ({ cells: columns.map((key) => (item[key] === undefined || item[key] === null ? '' : scalarText(item[key]!))), cites: citesIn(item) })),
          },
        ],
      },
    ];
  }
  // Items with structure of their own: a subsection each, named by its title if it has one.
  if (level === 3) return [{ heading, level, blocks: present.map((item): Block => ({ kind: 'paragraph', text: compact(item), cites: [] })) }];
  return [
    { heading, level, blocks: [] },
    ...present.flatMap((item, index): DocumentSection[] => {
      const name = isObject(item) ? titleKeys.map((key) => item[key]).find((title) => typeof title === 'string') : undefined;
      return sectionsOf(typeof name === 'string' ? name : `${heading} ${index + 1}`, item, (level + 1) as 2 | 3);
    }),
  ];
}

/** Objects that are one sentence and its citations (`{ text, citations }`) read as cited statements. */
function asClaims(objects: JsonObject[]): Cited[] | undefined {
  const claims: Cited[] = [];
  for (const item of objects) {
    const fields = Object.entries(item).filter(([key]) => !citationKeys.has(key));
    if (fields.length !== 1 || typeof fields[0]![1] !== 'string') return undefined;
    claims.push({ text: fields[0]![1], cites: citesIn(item) });
  }
  return claims;
}

function citesIn(item: JsonObject): number[] {
  const cites: number[] = [];
  for (const key of citationKeys) {
    const field = item[key];
    if (Array.isArray(field)) for (const n of field) if (typeof n === 'number' && Number.isInteger(n) && n > 0) cites.push(n);
  }
  return cites;
}

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An object of plain values (and citations): one row of a table. */
function isFlat(item: JsonObject): boolean {
  return Object.entries(item).every(([key, field]) => citationKeys.has(key) || field === null || (!Array.isArray(field) && !isObject(field)) || (Array.isArray(field) && field.every((x) => !Array.isArray(x) && !isObject(x))));
}

function isShortScalar(value: Json | undefined): boolean {
  return typeof value === 'number' || typeof value === 'boolean' || (typeof value === 'string' && value.length <= 80 && !value.includes('\n'));
}

function scalarText(value: Json): string {
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (Array.isArray(value)) return value.map(scalarText).join(', ');
  if (isObject(value)) return compact(value);
  return String(value);
}

function compact(value: Json): string {
  return JSON.stringify(value);
}

/** `dueDate`, `due_date` and `due-date` all read "Due date". */
export function humanize(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .trim()
    .toLowerCase();
  return words ? words[0]!.toUpperCase() + words.slice(1) : key;
}
