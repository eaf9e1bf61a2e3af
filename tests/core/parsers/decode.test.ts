import { describe, expect, it } from 'vitest';
import { HearthError } from '../../../schemas/index.js';
import { decodeTextFile, formatOfFile } from '../../../app/core/parsers/index.js';
import { binaryBytes, russianNotes } from '../../fixtures/documents.js';

const utf8 = (text: string) => new TextEncoder().encode(text);

function errorOf(run: () => unknown): HearthError {
  try {
    run();
  } catch (error) {
    if (error instanceof HearthError) return error;
    throw error;
  }
  throw new Error('expected a HearthError');
}

describe('decoding text files', () => {
  it('reads UTF-8 Markdown and normalizes line ends and the BOM', () => {
    expect(decodeTextFile('notes.md', utf8('\uFEFF# Title\r\nLine one\r\n'))).toBe('# Title\nLine one\n');
  });

  it('keeps Cyrillic intact, from UTF-8 and from Windows-1251', () => {
    expect(decodeTextFile('ru.md', utf8(russianNotes))).toBe(russianNotes);
    const cp1251 = Uint8Array.from([0xcf, 0xf0, 0xe8, 0xe2, 0xe5, 0xf2, 0x2c, 0x20, 0xec, 0xe8, 0xf0, 0x21]);
    expect(decodeTextFile('ru.txt', cp1251)).toBe('Привет, мир!');
  });

  it('reads UTF-16 with a byte order mark', () => {
    const text = 'Hello, мир';
    const bytes = new Uint8Array(2 + text.length * 2);
    bytes.set([0xff, 0xfe]);
    for (let i = 0; i < text.length; i++) {
      bytes[2 + i * 2] = text.charCodeAt(i) & 0xff;
      bytes[3 + i * 2] = text.charCodeAt(i) >> 8;
    }
    expect(decodeTextFile('u16.txt', bytes)).toBe(text);
  });

  it('names the problem with an empty file, a blank file, a binary file and an unknown format', () => {
    expect(errorOf(() => decodeTextFile('empty.md', new Uint8Array())).code).toBe('FILE_EMPTY');
    expect(errorOf(() => decodeTextFile('blank.md', utf8(' \n\n\t '))).code).toBe('FILE_EMPTY');
    const binary = errorOf(() => decodeTextFile('photo.md', binaryBytes()));
    expect(binary.code).toBe('FILE_BINARY');
    expect(binary.message).toContain('photo.md');
    const unknown = errorOf(() => formatOfFile('sheet.xyz'));
    expect(unknown.code).toBe('UNSUPPORTED_FORMAT');
    expect(unknown.message).toContain('.xyz');
  });
});
