/**
 * HTML → Markdown with turndown, shared by web pages and Word documents (which mammoth turns into
 * HTML): ATX headings, `-` lists, fenced code, GFM pipe tables, and none of the page furniture
 * (scripts, styles, navigation, form controls).
 */
import TurndownService from 'turndown';
import { escapeLineStart, pipeTable } from './markdown-writer.js';

/** The part of the DOM (domino, inside turndown) these rules read. */
interface DomNode {
  nodeName: string;
  nodeType: number;
  textContent: string | null;
  childNodes: ArrayLike<DomNode>;
  getAttribute?(name: string): string | null;
}

let service: TurndownService | undefined;

export function htmlToMarkdown(html: string): string {
  service ??= createService();
  return tightListMarkers(service.turndown(html));
}

/** Turndown writes list items as "-   item" (marker padded to four columns); Hearth writes "- item" and "1. item". */
function tightListMarkers(markdown: string): string {
  let inFence = false;
  return markdown
    .split('\n')
    .map((line) => {
      if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
      return inFence ? line : line.replace(/^(\s*)([-*+]|\d{1,9}\.)\s{2,}(?=\S)/, '$1$2 ');
    })
    .join('\n');
}

function createService(): TurndownService {
  const turndown = new TurndownService({
    headingStyle: 'atx',
    bulletListMarker: '-',
    codeBlockStyle: 'fenced',
    emDelimiter: '_',
    strongDelimiter: '**',
  });
  // Turndown escapes every Markdown character in text ("snake\_case", "1\. "); text is kept as written,
  // escaping only what would otherwise start a block.
  turndown.escape = (text: string) => text.split('\n').map(escapeLineStart).join('\n');
  // (`svg` is not an HTML tag name to turndown's types, hence the cast.)
  turndown.remove(['script', 'style', 'noscript', 'template', 'iframe', 'object', 'embed', 'svg', 'canvas', 'nav', 'head', 'title', 'meta', 'link', 'button', 'select', 'input', 'textarea'] as TurndownService.Filter);
  turndown.remove(((node: DomNode) => {
    const role = node.getAttribute?.('role');
    return role === 'navigation' || node.getAttribute?.('aria-hidden') === 'true';
  }) as unknown as TurndownService.Filter);
  turndown.addRule('image', {
    filter: 'img',
    replacement: (_content, node) => {
      const alt = (node as unknown as DomNode).getAttribute?.('alt')?.trim();
      return alt ? `[image: ${alt}]` : '';
    },
  });
  turndown.addRule('link', {
    filter: 'a',
    replacement: (content, node) => {
      const href = (node as unknown as DomNode).getAttribute?.('href')?.trim() ?? '';
      const text = content.trim();
      // Links inside the document (footnote marks, anchors) and scripts say nothing a reader needs.
      if (!/^(https?:|mailto:)/i.test(href) || text === '' || text === href) return content;
      return `[${text}](${href})`;
    },
  });
  turndown.addRule('table', {
    filter: 'table',
    replacement: (content, node) => {
      const rows = tableRows(node as unknown as DomNode);
      const columns = Math.max(0, ...rows.map((row) => row.length));
      // A one-row or one-column table is page layout, not data: its content reads as ordinary text.
      if (rows.length < 2 || columns < 2) return `\n\n${content}\n\n`;
      return `\n\n${pipeTable(rows)}\n\n`;
    },
  });
  return turndown;
}

/** The rows of a table (not of tables nested in it), cells as collapsed text, colspans filled with empty cells. */
function tableRows(table: DomNode): string[][] {
  const rows: string[][] = [];
  const visit = (node: DomNode) => {
    for (const child of Array.from(node.childNodes)) {
      if (child.nodeType !== 1) continue;
      if (child.nodeName === 'TABLE') continue;
      if (child.nodeName === 'TR') {
        const cells: string[] = [];
        for (const cell of Array.from(child.childNodes)) {
          if (cell.nodeName !== 'TD' && cell.nodeName !== 'TH') continue;
          cells.push((cell.textContent ?? '').replace(/\s+/g, ' ').trim());
          const span = Number(cell.getAttribute?.('colspan') ?? '1');
          for (let i = 1; i < Math.min(Number.isFinite(span) ? span : 1, 50); i++) cells.push('');
        }
        rows.push(cells);
        continue;
      }
      visit(child);
    }
  };
  visit(table);
  return rows.filter((row) => row.some((cell) => cell !== ''));
}
