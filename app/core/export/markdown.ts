/**
 * Markdown: the report as text anyone can read raw or render (GitHub, Obsidian, pandoc). Citations are
 * footnotes named by passage number (`[^3]`), so the same passage cited twice is one note, defined at the end
 * with its document, page and heading; a Sources list says the same in the body.
 */
import { uniqueCites, type Block, type ReportDocument } from './report-document.js';

export function renderMarkdown(doc: ReportDocument): string {
  const out: string[] = [`# ${inline(doc.title)}`, ''];
  const meta = [doc.kind, doc.date, doc.model ? `drafted by ${doc.model}` : undefined].filter(Boolean).join(' · ');
  out.push(`*${inline(meta)}*`, '');
  if (doc.notice) out.push(`> **Extractive.** ${inline(doc.notice)}`, '');
  out.push(`**Request:** ${inline(doc.request)}`, '');
  for (const section of doc.sections) {
    out.push(`${'#'.repeat(section.level + 1)} ${inline(section.heading)}`, '');
    for (const block of section.blocks) out.push(...blockLines(block), '');
  }
  if (doc.sources.length > 0) {
    out.push('## Sources', '');
    for (const source of doc.sources) out.push(`- [${source.number}] ${inline(source.label)}`);
    out.push('');
    for (const source of doc.sources) {
      out.push(`[^${source.number}]: ${inline(source.label)}${source.excerpt ? ` — “${inline(source.excerpt)}”` : ''}`);
    }
    out.push('');
  }
  return out.join('\n');
}

function blockLines(block: Block): string[] {
  switch (block.kind) {
    case 'paragraph':
      return [inline(block.text) + marks(block.cites)];
    case 'claims':
      return block.style === 'bullets'
        ? block.items.map((item) => `- ${inline(item.text)}${marks(item.cites)}`)
        : block.items.flatMap((item, index) => {
            const line = inline(item.text) + marks(item.cites);
            return index === 0 ? [line] : ['', line];
          });
    case 'facts':
      return block.facts.map((fact, index) => `- **${inline(fact.label)}:** ${inline(fact.value)}${index === block.facts.length - 1 ? marks(block.cites) : ''}`);
    case 'table': {
      const header = `| ${block.columns.map(cell).join(' | ')} |`;
      const rule = `| ${block.columns.map(() => '---').join(' | ')} |`;
      const rows = block.rows.map(
        (row) => `| ${block.columns.map((_, index) => cell(row.cells[index] ?? '') + (index === block.citeColumn ? marks(row.cites) : '')).join(' | ')} |`,
      );
      return [header, rule, ...rows];
    }
  }
}

function marks(cites: readonly number[]): string {
  return uniqueCites(cites)
    .map((n) => `[^${n}]`)
    .join('');
}

/** Text on one line with the characters that would turn into markup escaped: emphasis, links and footnote brackets, inline HTML and code. */
function escaped(text: string): string {
  return text
    .replace(/\s*\n\s*/g, ' ')
    .trim()
    .replace(/[\\`*_[\]<>]/g, (char) => `\\${char}`);
}

/** Escaped text that may start a line: a start that would make a heading, list or quote is escaped too. */
function inline(text: string): string {
  return escaped(text)
    .replace(/^[#>+-](?=\s|$)/, (start) => `\\${start}`)
    .replace(/^(\d+)([.)])(?=\s|$)/, (_, digits: string, mark: string) => `${digits}\\${mark}`);
}

/** A table cell starts no line, but a pipe would end it. */
function cell(text: string): string {
  return escaped(text).replace(/\|/g, '\\|');
}
