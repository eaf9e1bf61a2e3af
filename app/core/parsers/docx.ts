/** Word documents: mammoth turns the document's structure (headings, lists, tables) into HTML, and the HTML path makes it Markdown. */
import mammoth from 'mammoth';
import { HearthError } from '../../../schemas/index.js';
import { htmlToMarkdown } from './html-markdown.js';
import { firstHeading, tidyBlock } from './markdown-writer.js';
import { coreTitle, readParts } from './ooxml.js';
import type { Parser } from './types.js';

// Images are left out (their bytes would become huge data URIs); their alt text is kept.
const withoutImages = mammoth.images.imgElement(async () => ({ src: '' }));

export const parseDocx: Parser = async (input) => {
  let html: string;
  try {
    const result = await mammoth.convertToHtml(
      { buffer: Buffer.from(input.bytes.buffer, input.bytes.byteOffset, input.bytes.byteLength) },
      { convertImage: withoutImages, externalFileAccess: false, ignoreEmptyParagraphs: true },
    );
    html = result.value;
  } catch (error) {
    throw new HearthError('FILE_CORRUPT', `${input.name} is damaged: Word's document part cannot be read (${(error as Error).message}).`, {
      fileName: input.name,
    });
  }
  const markdown = tidyBlock(htmlToMarkdown(html));
  const title = coreTitle(readParts(input.name, input.bytes, (name) => name === 'docProps/core.xml')) ?? firstHeading(markdown);
  return { format: 'docx', markdown: markdown === '' ? '' : `${markdown}\n`, regions: [], warnings: [], ...(title ? { title } : {}) };
};
