/**
 * What a file really is, from its first bytes (and, for zip packages, the names inside): a file's
 * extension picks the parser, and this check turns "a PDF renamed to .docx" into a clear message
 * instead of a parser's stack trace.
 */
import { unzipSync } from 'fflate';
import type { DocumentFormat } from '../../../schemas/index.js';
import { HearthError } from '../../../schemas/index.js';
import { looksBinary, utf16WithoutBom } from './encoding.js';

export type ContentKind =
  | 'pdf'
  | 'docx'
  | 'xlsx'
  | 'pptx'
  | 'opendocument'
  | 'zip'
  | 'broken-zip'
  | 'ole' // a Word/Excel/PowerPoint 97–2003 file
  | 'ole-encrypted' // an Office 2007+ file protected with a password (an OLE container around the encrypted package)
  | 'image'
  | 'text'
  | 'binary';

const startsWith = (bytes: Uint8Array, signature: readonly number[], at = 0) => signature.every((byte, i) => bytes[at + i] === byte);

export function sniffContent(bytes: Uint8Array): ContentKind {
  if (findPdfHeader(bytes)) return 'pdf';
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]) || startsWith(bytes, [0x50, 0x4b, 0x05, 0x06])) return zipKind(bytes);
  if (startsWith(bytes, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) {
    const encryptedPackage = Buffer.from('EncryptedPackage', 'utf16le');
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).includes(encryptedPackage) ? 'ole-encrypted' : 'ole';
  }
  if (
    startsWith(bytes, [0x89, 0x50, 0x4e, 0x47]) || // PNG
    startsWith(bytes, [0xff, 0xd8, 0xff]) || // JPEG
    startsWith(bytes, [0x47, 0x49, 0x46, 0x38]) || // GIF
    startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || // TIFF
    startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a])
  ) {
    return 'image';
  }
  // UTF-16 text has NUL bytes yet is text: its BOM says so.
  if (startsWith(bytes, [0xff, 0xfe]) || startsWith(bytes, [0xfe, 0xff])) return 'text';
  return utf16WithoutBom(bytes) === undefined && looksBinary(bytes) ? 'binary' : 'text';
}

/** PDF readers accept the header anywhere in the first KiB (some files start with junk). */
function findPdfHeader(bytes: Uint8Array): boolean {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 1024));
  return head.includes('%PDF-');
}

function zipKind(bytes: Uint8Array): ContentKind {
  const names: string[] = [];
  try {
    // The filter sees every entry of the central directory and decompresses none of them.
    unzipSync(bytes, {
      filter: (file) => {
        names.push(file.name);
        return false;
      },
    });
  } catch {
    return 'broken-zip'; // not a readable zip: the caller reports the file as damaged
  }
  const has = (name: string) => names.includes(name);
  if (has('word/document.xml') || names.some((n) => /^word\/document\d*\.xml$/.test(n))) return 'docx';
  if (has('xl/workbook.xml')) return 'xlsx';
  if (has('ppt/presentation.xml')) return 'pptx';
  if (has('mimetype') && has('content.xml')) return 'opendocument';
  return 'zip';
}

const formatNames: Record<DocumentFormat, string> = {
  pdf: 'a PDF',
  docx: 'a Word document (.docx)',
  xlsx: 'an Excel workbook (.xlsx)',
  pptx: 'a PowerPoint presentation (.pptx)',
  csv: 'a CSV file',
  html: 'a web page (HTML)',
  markdown: 'a Markdown file',
  text: 'a text file',
};

const kindNames: Partial<Record<ContentKind, { what: string; extension?: string }>> = {
  pdf: { what: 'a PDF', extension: '.pdf' },
  docx: { what: 'a Word document', extension: '.docx' },
  xlsx: { what: 'an Excel workbook', extension: '.xlsx' },
  pptx: { what: 'a PowerPoint presentation', extension: '.pptx' },
  opendocument: { what: 'an OpenDocument file (LibreOffice)' },
  zip: { what: 'a zip archive' },
  image: { what: 'an image' },
};

/**
 * Throws when the bytes cannot be the format the extension names: a named format ("this is really a
 * PDF") is FILE_CORRUPT with the fix; an Office file locked with a password, or in the 97–2003 format,
 * is UNSUPPORTED_FORMAT with what to do.
 */
export function checkContentMatches(fileName: string, format: DocumentFormat, kind: ContentKind): void {
  const expected: readonly ContentKind[] =
    format === 'pdf' || format === 'docx' || format === 'xlsx' || format === 'pptx' ? [format] : ['text'];
  if (expected.includes(kind)) return;
  const claimed = formatNames[format];
  const details = { fileName, expected: format, actual: kind };
  if (kind === 'ole-encrypted') {
    throw new HearthError(
      'UNSUPPORTED_FORMAT',
      `${fileName} is protected with a password, and Hearth cannot open password-protected Office files yet. ` +
        'Open it in its application, remove the password, save, and add it again.',
      { ...details, encrypted: true },
    );
  }
  if (kind === 'ole') {
    throw new HearthError(
      'UNSUPPORTED_FORMAT',
      `${fileName} is in the old Office 97–2003 format, which Hearth does not read. Save it as .docx, .xlsx or .pptx and add it again.`,
      details,
    );
  }
  if (kind === 'broken-zip') {
    throw new HearthError('FILE_CORRUPT', `${fileName} is damaged: it should be ${claimed}, but its zip package cannot be read.`, details);
  }
  if ((kind === 'binary' || kind === 'image') && expected.includes('text')) {
    throw new HearthError(
      'FILE_BINARY',
      kind === 'image'
        ? `${fileName} is an image, not text. Was it renamed from another format?`
        : `${fileName} is a binary file, not text (it holds bytes no text file has). Was it renamed from another format?`,
      details,
    );
  }
  const actual = kindNames[kind];
  if (actual) {
    const rename = actual.extension ? ` Rename it to ${renamed(fileName, actual.extension)} and add it again.` : '';
    throw new HearthError('FILE_CORRUPT', `${fileName} is not ${claimed}: its contents are ${actual.what}.${rename}`, details);
  }
  throw new HearthError(
    'FILE_CORRUPT',
    `${fileName} is not ${claimed}: ${kind === 'text' ? 'it holds plain text' : 'its contents are in an unknown format'}. It may be damaged or misnamed.`,
    details,
  );
}

function renamed(fileName: string, extension: string): string {
  const dot = fileName.lastIndexOf('.');
  return `${dot > 0 ? fileName.slice(0, dot) : fileName}${extension}`;
}
