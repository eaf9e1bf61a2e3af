/**
 * Which formats Hearth reads, by file extension, and the advice for the ones it knows but does not read.
 * Its own module so that a parser can ask (text.ts) without importing the dispatcher that loads it.
 */
import path from 'node:path';
import { HearthError, type DocumentFormat } from '../../../schemas/index.js';

const formatsByExtension: Record<string, DocumentFormat> = {
  '.md': 'markdown',
  '.markdown': 'markdown',
  '.mdown': 'markdown',
  '.txt': 'text',
  '.text': 'text',
  '.log': 'text',
  '.pdf': 'pdf',
  '.docx': 'docx',
  '.docm': 'docx',
  '.xlsx': 'xlsx',
  '.xlsm': 'xlsx',
  '.csv': 'csv',
  '.tsv': 'csv',
  '.pptx': 'pptx',
  '.pptm': 'pptx',
  '.html': 'html',
  '.htm': 'html',
  '.xhtml': 'html',
};

/** Extensions of formats Hearth knows but does not read, with what to do instead. */
const legacyFormats: Record<string, string> = {
  '.doc': 'Save it as .docx (Word: File → Save As) and add it again.',
  '.xls': 'Save it as .xlsx (Excel: File → Save As) and add it again.',
  '.ppt': 'Save it as .pptx (PowerPoint: File → Save As) and add it again.',
  '.odt': 'Save it as .docx and add it again.',
  '.ods': 'Save it as .xlsx and add it again.',
  '.odp': 'Save it as .pptx and add it again.',
  '.rtf': 'Save it as .docx and add it again.',
};

/** The extensions parseDocument reads. */
export const supportedExtensions = Object.keys(formatsByExtension);

export function formatOfFile(fileName: string): DocumentFormat {
  const extension = path.extname(fileName).toLowerCase();
  const format = formatsByExtension[extension];
  if (format) return format;
  const advice = legacyFormats[extension];
  throw new HearthError(
    'UNSUPPORTED_FORMAT',
    advice
      ? `${fileName}: Hearth does not read "${extension}" files. ${advice}`
      : `${fileName}: ${extension ? `"${extension}" files are` : 'files without an extension are'} not supported. ` +
          `Hearth reads ${[...new Set(Object.values(formatsByExtension))].join(', ')} (${supportedExtensions.join(' ')}).`,
    { fileName, extension },
  );
}
