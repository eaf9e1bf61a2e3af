/**
 * Turns the bytes of a text file (CSV, HTML, plain text) into a string, finding the encoding the way a
 * careful reader would: byte order mark, then valid UTF-8, then what the file declares (HTML), then the
 * single-byte encoding whose reading looks most like real words. chardet proposes candidates, but it
 * guesses wrong on short Russian files (Windows-1251 read as Hebrew), so every candidate is scored.
 */
import { analyse } from 'chardet';
import { HearthError } from '../../../schemas/index.js';

export interface DecodedText {
  text: string;
  /** The WHATWG name of the encoding used, e.g. `utf-8`, `windows-1251`, `utf-16le`. */
  encoding: string;
}

export function decodeTextBytes(fileName: string, bytes: Uint8Array, declared?: string): DecodedText {
  const bom = byteOrderMark(bytes);
  if (bom) return { text: new TextDecoder(bom.encoding).decode(bytes.subarray(bom.length)), encoding: bom.encoding };
  const utf16 = utf16WithoutBom(bytes);
  if (utf16) return { text: new TextDecoder(utf16).decode(bytes), encoding: utf16 };
  if (looksBinary(bytes)) {
    throw new HearthError(
      'FILE_BINARY',
      `${fileName} is a binary file, not text (it holds bytes no text file has). Was it renamed from another format?`,
      { fileName },
    );
  }
  const utf8 = tryUtf8(bytes);
  if (utf8 !== undefined) return { text: utf8, encoding: 'utf-8' };
  const declaredEncoding = declared ? whatwgName(declared) : undefined;
  if (declaredEncoding && declaredEncoding !== 'utf-8' && !declaredEncoding.startsWith('utf-16')) {
    return { text: new TextDecoder(declaredEncoding).decode(bytes), encoding: declaredEncoding };
  }
  return bestSingleByteReading(bytes);
}

/** The encoding a label names, in WHATWG form, or undefined when the label is unknown. */
export function whatwgName(label: string): string | undefined {
  try {
    return new TextDecoder(label.trim()).encoding;
  } catch {
    return undefined; // an unknown label: the caller falls back to detection
  }
}

function byteOrderMark(bytes: Uint8Array): { encoding: string; length: number } | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { encoding: 'utf-8', length: 3 };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { encoding: 'utf-16le', length: 2 };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { encoding: 'utf-16be', length: 2 };
  return undefined;
}

/**
 * UTF-16 saved without a BOM. In UTF-16 one byte of every pair is the "high" byte, and text uses few of
 * them: 0x00 for ASCII, 0x04 for Cyrillic. So: that side holds NULs (or mostly 0x04) and few distinct
 * values, and the other side has no NULs.
 */
export function utf16WithoutBom(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | undefined {
  const sample = bytes.subarray(0, Math.min(bytes.length - (bytes.length % 2), 65536));
  if (sample.length < 4) return undefined;
  const side = (parity: 0 | 1) => {
    const counts = new Map<number, number>();
    for (let i = parity; i < sample.length; i += 2) counts.set(sample[i]!, (counts.get(sample[i]!) ?? 0) + 1);
    const top = [...counts.values()].sort((a, b) => b - a);
    const pairs = sample.length / 2;
    return { zeros: (counts.get(0) ?? 0) / pairs, cyrillic: (counts.get(4) ?? 0) / pairs, topTwo: ((top[0] ?? 0) + (top[1] ?? 0)) / pairs };
  };
  const even = side(0);
  const odd = side(1);
  const isHigh = (high: typeof even, low: typeof even) => low.zeros < 0.01 && high.topTwo >= 0.8 && (high.zeros > 0.05 || high.cyrillic > 0.5);
  if (isHigh(odd, even)) return 'utf-16le';
  if (isHigh(even, odd)) return 'utf-16be';
  return undefined;
}

/** A NUL byte, or many control characters, in the first 64 KiB mean this is not a text file. */
export function looksBinary(bytes: Uint8Array): boolean {
  const sample = bytes.subarray(0, 65536);
  if (sample.length === 0) return false;
  let control = 0;
  for (const byte of sample) {
    if (byte === 0) return true;
    if (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d && byte !== 0x0c && byte !== 0x1b) control++;
  }
  return control / sample.length > 0.05;
}

function tryUtf8(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined; // not UTF-8: a legacy encoding, found below
  }
}

/** Encodings tried for every non-UTF-8 file, in order of preference when two read equally well. */
const usualSingleByte = ['windows-1251', 'windows-1252', 'koi8-r', 'iso-8859-5', 'ibm866', 'windows-1250', 'iso-8859-2'];

function bestSingleByteReading(bytes: Uint8Array): DecodedText {
  const sample = bytes.subarray(0, 65536);
  const proposed = analyse(sample)
    .filter((match) => match.confidence >= 10)
    .map((match) => whatwgName(match.name))
    .filter((name): name is string => name !== undefined && name !== 'utf-8' && !name.startsWith('utf-16') && !name.startsWith('utf-32'));
  const candidates = [...new Set([...usualSingleByte, ...proposed])];
  let best = { encoding: 'windows-1252', score: -Infinity };
  for (const encoding of candidates) {
    const score = plausibility(new TextDecoder(encoding).decode(sample));
    if (score > best.score) best = { encoding, score };
  }
  return { text: new TextDecoder(best.encoding).decode(bytes), encoding: best.encoding };
}

const scriptOf = (letter: string): string => {
  if (/\p{Script=Latin}/u.test(letter)) return 'latin';
  if (/\p{Script=Cyrillic}/u.test(letter)) return 'cyrillic';
  if (/\p{Script=Greek}/u.test(letter)) return 'greek';
  return 'other';
};

/**
 * How much a decoded text looks like words: letters of one script per word, in lower, Title or UPPER
 * case, and (for Latin) mostly plain ASCII letters. A wrong code page breaks at least one of these:
 * Windows-1251 read as KOI8-R flips case inside words; read as Windows-1252 it turns nearly every
 * letter into an accented one; read as a Hebrew or Greek page it mixes scripts or hits unmapped bytes.
 */
function plausibility(text: string): number {
  let score = 0;
  for (const bad of text.matchAll(/[\u0080-\u009f\ufffd]/g)) score -= 5 * bad[0].length;
  for (const [word] of text.matchAll(/\p{L}+/gu)) {
    const letters = [...word];
    const scripts = new Set(letters.map(scriptOf));
    const caseOk = /^(\p{Lu}?\p{Ll}*|\p{Lu}+)$/u.test(word);
    let ok = scripts.size === 1 && !scripts.has('other') && caseOk;
    if (ok && scripts.has('latin') && letters.length > 1) {
      const accented = letters.filter((letter) => letter > '\u007f').length;
      ok = accented / letters.length <= 0.5;
    }
    score += ok ? letters.length : -letters.length;
  }
  return score;
}
