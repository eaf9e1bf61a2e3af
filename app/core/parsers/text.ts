/** Markdown and plain text: the existing decode path (encoding, FILE_BINARY, FILE_EMPTY); the text is its own Markdown. */
import { decodeTextFile } from './decode.js';
import { formatOfFile } from './formats.js';
import { utf16WithoutBom } from './encoding.js';
import { firstHeading } from './markdown-writer.js';
import type { ParsedDocument, Parser } from './types.js';

export const parseText: Parser = async (input) => {
  // decode.ts knows UTF-16 only by its BOM; a BOM-less UTF-16 file is handed to it as UTF-8 instead.
  const utf16 = utf16WithoutBom(input.bytes);
  const bytes = utf16 ? new TextEncoder().encode(new TextDecoder(utf16).decode(input.bytes)) : input.bytes;
  const format = formatOfFile(input.name);
  const text = decodeTextFile(input.name, bytes);
  const document: ParsedDocument = { format, markdown: text, regions: [], warnings: [] };
  const title = format === 'markdown' ? firstHeading(text) : undefined;
  return title ? { ...document, title } : document;
};
