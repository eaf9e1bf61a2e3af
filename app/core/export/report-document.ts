/**
 * The one shape every renderer draws from: a report laid out as titled sections of blocks (paragraphs,
 * cited points, tables, facts), each citation a passage number, and the sources those numbers stand for.
 * Laying out once keeps Markdown, DOCX and PPTX saying the same thing; each renderer only decides how it looks.
 */
import type { Citation, Evidence } from '../../../schemas/index.js';

/** Something said with the passages it rests on (passage numbers, as the model cited them). */
export interface Cited {
  text: string;
  cites: number[];
}

export type Block =
  | { kind: 'paragraph'; text: string; cites: number[] }
  /** Statements, each with its citations: paragraphs in a document, bullets on a slide. */
  | { kind: 'claims'; items: Cited[]; style: 'paragraphs' | 'bullets' }
  /** Labelled values (a date, the participants); `cites` are what they rest on, marked after the last. */
  | { kind: 'facts'; facts: { label: string; value: string }[]; cites: number[] }
  /** A table whose rows carry citations, marked in the cell of `citeColumn`. */
  | { kind: 'table'; columns: string[]; rows: { cells: string[]; cites: number[] }[]; citeColumn: number };

export interface DocumentSection {
  heading: string;
  /** 1 for a top-level section; deeper levels come from nested objects of a user's template. */
  level: 1 | 2 | 3;
  blocks: Block[];
}

export interface Source {
  number: number;
  /** "Contract.pdf, p. 4 — Payment › Terms", or a plain note for a number outside the evidence. */
  label: string;
  /** The start of the passage, for a reader who wants to see it. */
  excerpt: string;
}

export interface ReportDocument {
  title: string;
  /** The template's name: "Report", "Milestone plan", or the user's. */
  kind: string;
  request: string;
  /** YYYY-MM-DD of the report's creation. */
  date: string;
  model?: string;
  /** Said at the top of every file of an extractive report. */
  notice?: string;
  sections: DocumentSection[];
  sources: Source[];
}

export const extractiveNotice =
  'Built without a language model: every point is a sentence taken from the cited passages, chosen by search rank. Configure an LLM for a drafted report.';

/** Where a passage is, as a reader would say it: document, then page (or sheet and cells, or slide), then heading. */
export function sourceLabel(citation: Citation): string {
  const where: string[] = [citation.documentName];
  if (citation.page !== undefined) {
    where.push(citation.pageEnd !== undefined && citation.pageEnd !== citation.page ? `pp. ${citation.page}–${citation.pageEnd}` : `p. ${citation.page}`);
  } else if (citation.slide !== undefined) {
    where.push(`slide ${citation.slide}`);
  }
  if (citation.sheet !== undefined) where.push(citation.cells ? `${citation.sheet}!${citation.cells}` : citation.sheet);
  const heading = citation.headingPath.filter((part) => part.trim() !== '').join(' › ');
  return heading ? `${where.join(', ')} — ${heading}` : where.join(', ');
}

/**
 * The sources a document lists: the passages it cites, by number. A document that cites nothing (a user's
 * template without citation fields) lists every passage it was drafted from, so its provenance is still said.
 */
export function sourcesOf(sections: DocumentSection[], evidence: Evidence[]): Source[] {
  const cited = new Set<number>();
  for (const section of sections) for (const block of section.blocks) for (const n of citesOf(block)) cited.add(n);
  const byNumber = new Map(evidence.map((passage) => [passage.number, passage]));
  const numbers = cited.size > 0 ? [...cited] : evidence.map((passage) => passage.number);
  return numbers
    .sort((a, b) => a - b)
    .map((number) => {
      const passage = byNumber.get(number);
      return passage
        ? { number, label: sourceLabel(passage.citation), excerpt: excerptOf(passage.citation.snippet || passage.text) }
        : { number, label: `Passage ${number} (not among the passages retrieved for this report)`, excerpt: '' };
    });
}

export function citesOf(block: Block): number[] {
  switch (block.kind) {
    case 'paragraph':
      return block.cites;
    case 'claims':
      return block.items.flatMap((item) => item.cites);
    case 'table':
      return block.rows.flatMap((row) => row.cites);
    case 'facts':
      return block.cites;
  }
}

/** Distinct passage numbers in order, for markers like "[1, 3]". */
export function uniqueCites(cites: readonly number[]): number[] {
  return [...new Set(cites)].sort((a, b) => a - b);
}

/** A passage's opening words, on one line, cut at a word near `max` characters. */
export function excerptOf(text: string, max = 220): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/** A file name from the title: letters of any script and digits kept (Russian titles stay readable). */
export function fileNameOf(title: string, extension: string): string {
  const base = title
    .normalize('NFC')
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80)
    .replace(/-+$/, '');
  return `${base || 'report'}.${extension}`;
}

/**
 * How a table's width is shared between its columns, as fractions: first each column gets room for its
 * longest word (the header's in bold), so no word is broken across lines, then what is left goes to the
 * columns with the most text. `charsPerRow` is how many average characters fit across the table.
 */
export function columnFractions(block: Extract<Block, { kind: 'table' }>, charsPerRow: number): number[] {
  const cellText = (row: { cells: string[]; cites: number[] }, index: number) =>
    (row.cells[index] ?? '') + (index === block.citeColumn && row.cites.length > 0 ? ' [00]' : '');
  // A long word is wider than the average one and the padding of a cell is about two characters.
  const least = block.columns.map((column, index) => 2 + 1.15 * Math.max(longestWordOf(column) * 1.1, ...block.rows.map((row) => longestWordOf(cellText(row, index)))));
  const wanted = block.columns.map((column, index) => 2 + Math.max(column.length * 1.1, ...block.rows.map((row) => cellText(row, index).length)));
  const minimum = least.reduce((sum, width) => sum + width, 0);
  if (minimum >= charsPerRow) return least.map((width) => width / minimum);
  // What is left is shared fairly (water-filling): a column wanting less than an even share gets all it wants,
  // so short values (a name, a date) stay on one line, and the long columns split the rest by what they hold.
  let spare = charsPerRow - minimum;
  const extra = wanted.map((width, index) => Math.max(0, width - least[index]!));
  const widths = [...least];
  let open = extra.map((_, index) => index).filter((index) => extra[index]! > 0);
  for (;;) {
    const share = spare / Math.max(1, open.length);
    const satisfied = open.filter((index) => extra[index]! <= share);
    if (satisfied.length === 0) break;
    for (const index of satisfied) {
      widths[index]! += extra[index]!;
      spare -= extra[index]!;
    }
    open = open.filter((index) => extra[index]! > share);
  }
  const openTotal = open.reduce((sum, index) => sum + extra[index]!, 0);
  if (openTotal > 0) for (const index of open) widths[index]! += (spare * extra[index]!) / openTotal;
  else widths.forEach((_, index) => (widths[index]! += spare / widths.length));
  return widths.map((width) => width / charsPerRow);
}

function longestWordOf(text: string): number {
  return Math.max(0, ...text.split(/\s+/).map((word) => word.length));
}
