/** Reading inside Office Open XML packages (DOCX, XLSX, PPTX): zip parts by name, and the document's own title. */
import { strFromU8, unzipSync } from 'fflate';
import { HearthError } from '../../../schemas/index.js';
import { decodeEntities } from './entities.js';

export type PackageParts = Record<string, Uint8Array>;

/** The parts whose names pass `keep`, decompressed; a broken package is FILE_CORRUPT. */
export function readParts(fileName: string, bytes: Uint8Array, keep: (name: string) => boolean): PackageParts {
  try {
    return unzipSync(bytes, { filter: (file) => keep(file.name) });
  } catch (error) {
    throw new HearthError('FILE_CORRUPT', `${fileName} is damaged: its zip package cannot be read (${(error as Error).message}).`, { fileName });
  }
}

export const partText = (parts: PackageParts, name: string): string | undefined => {
  const part = parts[name];
  return part ? strFromU8(part) : undefined;
};

/** `dc:title` from docProps/core.xml, when the author set one. */
export function coreTitle(parts: PackageParts): string | undefined {
  const core = partText(parts, 'docProps/core.xml');
  const title = core && /<dc:title>([\s\S]*?)<\/dc:title>/.exec(core)?.[1];
  const text = title ? decodeEntities(title).trim() : '';
  return text || undefined;
}
