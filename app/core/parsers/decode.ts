/**
 * Turns a text file's bytes into normalized text, or a typed error that names the problem (empty,
 * binary). Normalized text is what citations' offsets point into.
 */
import { HearthError } from '../../../schemas/index.js';

/** A text file's bytes as normalized text; FILE_EMPTY when there is nothing, FILE_BINARY when it is not text. */
export function decodeTextFile(fileName: string, bytes: Uint8Array): string {
  if (bytes.length === 0) throw new HearthError('FILE_EMPTY', `${fileName} is empty: there is nothing to index.`, { fileName });
  const text = normalizeText(decodeText(fileName, bytes));
  if (text.trim().length === 0) {
    throw new HearthError('FILE_EMPTY', `${fileName} holds only white space: there is nothing to index.`, { fileName });
  }
  return text;
}

function decodeText(fileName: string, bytes: Uint8Array): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return new TextDecoder('utf-8').decode(bytes.subarray(3));
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  if (looksBinary(bytes)) {
    throw new HearthError(
      'FILE_BINARY',
      `${fileName} is a binary file, not text (it holds bytes no text file has). Was it renamed from another format?`,
      { fileName },
    );
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    // Not UTF-8: a legacy single-byte encoding. Russian files of that age are almost always Windows-1251,
    // whose letters fill 0xC0–0xFF; anything else is read as Windows-1252.
    return new TextDecoder(guessSingleByteEncoding(bytes)).decode(bytes);
  }
}

/** A NUL byte, or many control characters, in the first 64 KiB mean this is not a text file. */
function looksBinary(bytes: Uint8Array): boolean {
  const sample = bytes.subarray(0, 65536);
  let control = 0;
  for (const byte of sample) {
    if (byte === 0) return true;
    if (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d && byte !== 0x0c && byte !== 0x1b) control++;
  }
  return control / sample.length > 0.05;
}

function guessSingleByteEncoding(bytes: Uint8Array): 'windows-1251' | 'windows-1252' {
  let high = 0;
  let cyrillicLetters = 0;
  for (const byte of bytes.subarray(0, 65536)) {
    if (byte >= 0x80) high++;
    if (byte >= 0xc0) cyrillicLetters++;
  }
  return high > 0 && cyrillicLetters / high > 0.6 ? 'windows-1251' : 'windows-1252';
}

/** One form for every text: LF line ends, NFC, no stray control characters. */
export function normalizeText(text: string): string {
  return text
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
    .normalize('NFC')
    .replace(/[\u0000-\u0008\u000B\u000E-\u001F\u007F]/g, '');
}
