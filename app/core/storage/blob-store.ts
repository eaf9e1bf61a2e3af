/**
 * A content-addressed store of the original files the user dropped, so nothing is lost whatever happens
 * to the indexes: `blobs/ab/cdef…` named by sha256, written through a temp file and an atomic rename.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';

export class BlobStore {
  constructor(private readonly root: string) {}

  static sha256(bytes: Uint8Array): string {
    return createHash('sha256').update(bytes).digest('hex');
  }

  pathOf(sha256: string): string {
    return path.join(this.root, sha256.slice(0, 2), sha256.slice(2));
  }

  /** Stores the bytes (once: identical content is already there) and returns their sha256. */
  async put(bytes: Uint8Array, sha256 = BlobStore.sha256(bytes)): Promise<string> {
    const target = this.pathOf(sha256);
    if (await exists(target)) return sha256;
    await mkdir(path.dirname(target), { recursive: true });
    const temp = `${target}.${randomUUID()}.tmp`;
    try {
      await writeFile(temp, bytes, { flag: 'wx' });
      await rename(temp, target);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
    return sha256;
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false; // a missing file is the answer, not a failure
  }
}
