/**
 * The Guard's verdicts in a report's files: the statements a layout cites (paragraphs, points, table rows,
 * facts) are what is checked, and a statement its passages do not support carries a note in every format
 * ("⚠ not supported by [2]"), so a reader of the DOCX, the deck or the Markdown sees it as the app shows it.
 */
import type { Block, DocumentSection } from './report-document.js';
import { uniqueCites } from './report-document.js';

/** A statement of a report with the passages it cites, as the Guard checks it. */
export interface CitedStatement {
  text: string;
  cites: number[];
}

/** The Guard's verdict on one statement (matched by its text and citations). */
export interface ClaimCheck extends CitedStatement {
  verdict: 'supported' | 'partial' | 'unsupported';
}

/** The statements of a layout that cite passages, each once. */
export function statementsOf(sections: readonly DocumentSection[]): CitedStatement[] {
  const statements = new Map<string, CitedStatement>();
  const add = (text: string, cites: number[]) => {
    if (cites.length > 0 && text.trim()) statements.set(keyOf(text, cites), { text, cites: uniqueCites(cites) });
  };
  for (const section of sections) {
    for (const block of section.blocks) {
      if (block.kind === 'paragraph') add(block.text, block.cites);
      else if (block.kind === 'claims') for (const item of block.items) add(item.text, item.cites);
      else if (block.kind === 'facts') add(factsText(block), block.cites);
      else for (const row of block.rows) add(rowText(block, row), row.cites);
    }
  }
  return [...statements.values()];
}

/** The layout with a note after each statement the Guard found unsupported. */
export function markUnsupported(sections: DocumentSection[], checks: readonly ClaimCheck[] | undefined): DocumentSection[] {
  const unsupported = new Set((checks ?? []).filter((check) => check.verdict === 'unsupported').map((check) => keyOf(check.text, check.cites)));
  if (unsupported.size === 0) return sections;
  const flagged = (text: string, cites: number[]) => unsupported.has(keyOf(text, cites));
  const noted = (text: string, cites: number[]) => `${text} ${unsupportedNote(cites)}`;
  return sections.map((section) => ({
    ...section,
    blocks: section.blocks.map((block): Block => {
      switch (block.kind) {
        case 'paragraph':
          return flagged(block.text, block.cites) ? { ...block, text: noted(block.text, block.cites) } : block;
        case 'claims':
          return { ...block, items: block.items.map((item) => (flagged(item.text, item.cites) ? { ...item, text: noted(item.text, item.cites) } : item)) };
        case 'facts': {
          if (!flagged(factsText(block), block.cites) || block.facts.length === 0) return block;
          const facts = [...block.facts];
          const last = facts.at(-1)!;
          facts[facts.length - 1] = { ...last, value: noted(last.value, block.cites) };
          return { ...block, facts };
        }
        case 'table':
          return {
            ...block,
            rows: block.rows.map((row) =>
              flagged(rowText(block, row), row.cites)
                ? { ...row, cells: row.cells.map((cell, index) => (index === block.citeColumn ? noted(cell, row.cites) : cell)) }
                : row,
            ),
          };
      }
    }),
  }));
}

export const unsupportedNote = (cites: readonly number[]) => `(⚠ not supported by ${uniqueCites(cites).map((n) => `[${n}]`).join('')})`;

const keyOf = (text: string, cites: readonly number[]) => `${uniqueCites(cites).join(',')}\u0000${text.trim()}`;
const factsText = (block: Extract<Block, { kind: 'facts' }>) => block.facts.map((fact) => `${fact.label}: ${fact.value}`).join('; ');
const rowText = (block: Extract<Block, { kind: 'table' }>, row: { cells: string[] }) =>
  row.cells.map((cell, index) => (block.columns[index] ? `${block.columns[index]}: ${cell}` : cell)).filter((cell) => cell.trim()).join('; ');
