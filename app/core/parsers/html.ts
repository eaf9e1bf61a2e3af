/**
 * Web pages: the charset from the BOM, `<meta charset>` or `http-equiv`, else detected; the body as
 * Markdown; the title from `<title>`.
 */
import { decodeTextBytes } from './encoding.js';
import { decodeEntities } from './entities.js';
import { htmlToMarkdown } from './html-markdown.js';
import { tidyBlock, firstHeading } from './markdown-writer.js';
import type { Parser } from './types.js';

export const parseHtml: Parser = async (input) => {
  const { text } = decodeTextBytes(input.name, input.bytes, declaredCharset(input.bytes));
  const body = /<body[^>]*>([\s\S]*?)(<\/body>|$)/i.exec(text)?.[1] ?? text;
  const markdown = tidyBlock(htmlToMarkdown(body));
  const title = decodeEntities(/<title[^>]*>([\s\S]*?)<\/title>/i.exec(text)?.[1] ?? '').replace(/\s+/g, ' ').trim() || firstHeading(markdown);
  return { format: 'html', markdown: markdown === '' ? '' : `${markdown}\n`, regions: [], warnings: [], ...(title ? { title } : {}) };
};

/** `<meta charset="…">` or `<meta http-equiv="Content-Type" content="…; charset=…">` in the first 4 KiB (read as Latin-1: the declaration is ASCII). */
function declaredCharset(bytes: Uint8Array): string | undefined {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 4096)).toString('latin1');
  return /<meta[^>]+charset\s*=\s*["']?\s*([\w:.-]+)/i.exec(head)?.[1];
}
