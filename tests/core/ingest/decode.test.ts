import { describe, expect, it } from 'vitest';
import { HearthError } from '../../../schemas/index.js';
import { decodeDocument } from '../../../app/core/ingest/index.js';
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

describe('decodeDocument', () => {
  it('reads UTF-8 Markdown and normalizes line ends and the BOM', () => {
    const decoded = decodeDocument('notes.md', utf8('\uFEFF# Title\r\nLine one\r\n'));
    expect(decoded).toEqual({ format: 'markdown', text: '# Title\nLine one\n' });
  });

  it('keeps Cyrillic intact, from UTF-8 and from Windows-1251', () => {
    expect(decodeDocument('ru.md', utf8(russianNotes)).text).toBe(russianNotes);
    const cp1251 = Uint8Array.from([0xcf, 0xf0, 0xe8, 0xe2, 0xe5, 0xf2, 0x2c, 0x20, 0xec, 0xe8, 0xf0, 0x21]);
    expect(decodeDocument('ru.txt', cp1251).text).toBe('Привет, мир!');
  });

  it('reads UTF-16 with a byte order mark', () => {
    const text = 'Hello, мир';
    const bytes = new Uint8Array(2 + text.length * 2);
    bytes.set([0xff, 0xfe]);
    for (let i = 0; i < text.length; i++) {
      bytes[2 + i * 2] = text.charCodeAt(i) & 0xff;
      bytes[3 + i * 2] = text.charCodeAt(i) >> 8;
    }
    expect(decodeDocument('u16.txt', bytes).text).toBe(text);
  });

  it('names the problem with an empty file, a blank file, a binary file and an unknown format', () => {
    expect(errorOf(() => decodeDocument('empty.md', new Uint8Array())).code).toBe('FILE_EMPTY');
    expect(errorOf(() => decodeDocument('blank.md', utf8(' \n\n\t '))).code).toBe('FILE_EMPTY');
    const binary = errorOf(() => decodeDocument('photo.md', binaryBytes()));
    expect(binary.code).toBe('FILE_BINARY');
    expect(binary.message).toContain('photo.md');
    const unknown = errorOf(() => decodeDocument('sheet.xyz', utf8('a,b')));
    expect(unknown.code).toBe('UNSUPPORTED_FORMAT');
    expect(unknown.message).toContain('.xyz');
  });
});
