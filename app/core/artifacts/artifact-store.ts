/**
 * The files a report was rendered to — and files made without a report, such as an agent's email draft —
 * kept so they can be downloaded again: bytes content-addressed under
 * `<dataDir>/artifacts` (storage's BlobStore layout: `ab/cdef…` by sha256), one row per render in SQLite. A
 * render is the next version for its report and format; rows are never updated, so a version once listed
 * always reads back the same bytes — or says it cannot (FILE_CORRUPT), never something else.
 */
import { randomUUID } from 'node:crypto';
import { readdir, readFile, rm, rmdir } from 'node:fs/promises';
import path from 'node:path';
import { ArtifactFormat, HearthError, ReportFormat, type ArtifactInfo, type ReportArtifactInfo } from '../../../schemas/index.js';
import { BlobStore, type Db } from '../storage/index.js';

export interface ArtifactInput {
  spaceId: string;
  reportId: string;
  format: ReportFormat;
  fileName: string;
  mediaType: string;
  bytes: Uint8Array;
}

/** A file kept on its own, not rendered from a report (an email draft): always version 1 of itself. */
export interface FileArtifactInput {
  spaceId: string;
  format: ArtifactFormat;
  fileName: string;
  mediaType: string;
  bytes: Uint8Array;
}

interface ArtifactRow {
  id: string;
  space_id: string;
  report_id: string | null;
  format: string;
  version: number;
  file_name: string;
  media_type: string;
  size_bytes: number;
  sha256: string;
  created_at: string;
}

export class ArtifactStore {
  private readonly blobs: BlobStore;
  /**
   * Puts and sweeps one at a time: a sweep that listed the files before a put's row existed must not remove
   * the file that put just wrote (or found already there). One Hearth per data folder makes this enough.
   */
  private turn: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly db: Db,
    private readonly root: string,
  ) {
    this.blobs = new BlobStore(root);
  }

  /** Stores a render as the next version of its report's file in that format. */
  async put(input: ArtifactInput): Promise<ReportArtifactInfo> {
    const [info] = await this.putAll([input]);
    return info!;
  }

  /**
   * Stores several renders at once: every file is written first, then all their rows in one transaction,
   * with `alongside` (a report's own row) in it too — so a report is listed with all its files or not at
   * all, whatever fails on the way.
   */
  putAll(inputs: readonly ArtifactInput[], alongside?: () => void): Promise<ReportArtifactInfo[]> {
    return this.inTurn(async () => {
      const files: { input: ArtifactInput; format: ReportFormat; sha256: string }[] = [];
      for (const input of inputs) files.push({ input, format: ReportFormat.parse(input.format), sha256: await this.writeBlob(input.bytes) });
      const createdAt = new Date().toISOString();
      // Reading the last version and writing the next in one transaction: better-sqlite3 runs it without a
      // turn of the event loop in between, and UNIQUE (report_id, format, version) guards another process.
      return this.db.transaction(() => {
        alongside?.();
        return files.map(({ input, format, sha256 }) => {
          const { last } = this.db
            .prepare('SELECT MAX(version) AS last FROM artifacts WHERE report_id = ? AND format = ?')
            .get(input.reportId, format) as { last: number | null };
          const info: ReportArtifactInfo = {
            id: randomUUID(),
            spaceId: input.spaceId,
            reportId: input.reportId,
            format,
            version: (last ?? 0) + 1,
            fileName: input.fileName,
            mediaType: input.mediaType,
            sizeBytes: input.bytes.byteLength,
            sha256,
            createdAt,
          };
          this.db
            .prepare(
              `INSERT INTO artifacts (id, space_id, report_id, format, version, file_name, media_type, size_bytes, sha256, created_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
            )
            .run(info.id, info.spaceId, info.reportId, format, info.version, info.fileName, info.mediaType, info.sizeBytes, sha256, createdAt);
          return info;
        });
      })();
    });
  }

  /** Stores a file that is no report's render (an email draft): its own artifact, version 1. */
  putFile(input: FileArtifactInput): Promise<ArtifactInfo> {
    return this.inTurn(async () => {
      const format = ArtifactFormat.parse(input.format);
      const sha256 = await this.writeBlob(input.bytes);
      const info: ArtifactInfo = {
        id: randomUUID(),
        spaceId: input.spaceId,
        format,
        version: 1,
        fileName: input.fileName,
        mediaType: input.mediaType,
        sizeBytes: input.bytes.byteLength,
        sha256,
        createdAt: new Date().toISOString(),
      };
      this.db
        .prepare(
          `INSERT INTO artifacts (id, space_id, report_id, format, version, file_name, media_type, size_bytes, sha256, created_at)
           VALUES (?, ?, NULL, ?, 1, ?, ?, ?, ?, ?)`,
        )
        .run(info.id, info.spaceId, format, info.fileName, info.mediaType, info.sizeBytes, sha256, info.createdAt);
      return info;
    });
  }

  private async writeBlob(bytes: Uint8Array): Promise<string> {
    const sha256 = BlobStore.sha256(bytes);
    // A blob already there is normally these very bytes; one that was changed on disk is replaced, so the new
    // version reads back whole (the older rows pointing at it were already unreadable, and now are again).
    if (!(await this.blobMatches(sha256))) await rm(this.blobs.pathOf(sha256), { force: true });
    await this.blobs.put(bytes, sha256);
    return sha256;
  }

  /** A space's artifacts (or one report's), by report (files without one first), then format, oldest version first. */
  list(filter: { spaceId: string; reportId: string }): ReportArtifactInfo[];
  list(filter: { spaceId: string; reportId?: string }): ArtifactInfo[];
  list(filter: { spaceId: string; reportId?: string }): ArtifactInfo[] {
    const rows = (
      filter.reportId === undefined
        ? this.db.prepare('SELECT * FROM artifacts WHERE space_id = ? ORDER BY report_id, format, version').all(filter.spaceId)
        : this.db
            .prepare('SELECT * FROM artifacts WHERE space_id = ? AND report_id = ? ORDER BY format, version')
            .all(filter.spaceId, filter.reportId)
    ) as ArtifactRow[];
    return rows.map(toInfo);
  }

  get(id: string): ArtifactInfo {
    const row = this.db.prepare('SELECT * FROM artifacts WHERE id = ?').get(id) as ArtifactRow | undefined;
    if (!row) throw new HearthError('NOT_FOUND', `There is no artifact ${id}: it was deleted with its report or space, or never existed.`, { artifactId: id });
    return toInfo(row);
  }

  /** The artifact's bytes, checked against the sha256 it was stored under. */
  async read(id: string): Promise<Uint8Array> {
    const info = this.get(id);
    const file = this.blobs.pathOf(info.sha256);
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await readFile(file));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      throw new HearthError('FILE_CORRUPT', `The file of ${describe(info)} is missing from ${file}. ${remedy(info)}`, { artifactId: id, file });
    }
    if (BlobStore.sha256(bytes) !== info.sha256) {
      throw new HearthError(
        'FILE_CORRUPT',
        `The file of ${describe(info)} was changed on disk since it was rendered (${file} no longer has sha256 ${info.sha256}). ${remedy(info)}`,
        { artifactId: id, file },
      );
    }
    return bytes;
  }

  spaceOf(id: string): string | undefined {
    const row = this.db.prepare('SELECT space_id FROM artifacts WHERE id = ?').get(id) as { space_id: string } | undefined;
    return row?.space_id;
  }

  /** Removes one report's artifacts (rows, then the files no other row uses). */
  deleteForReport(reportId: string): Promise<void> {
    return this.inTurn(async () => {
      this.db.prepare('DELETE FROM artifacts WHERE report_id = ?').run(reportId);
      await this.removeUnreferenced();
    });
  }

  /**
   * Removes a space's artifacts: its rows, then every file no row refers to — which also collects the files
   * of rows the database already dropped when the space's row was deleted first (the foreign key cascades).
   */
  deleteForSpace(spaceId: string): Promise<void> {
    return this.inTurn(async () => {
      this.db.prepare('DELETE FROM artifacts WHERE space_id = ?').run(spaceId);
      await this.removeUnreferenced();
    });
  }

  private inTurn<T>(work: () => Promise<T>): Promise<T> {
    const result = this.turn.then(work);
    // The next one waits for this one to end, whether it succeeded or not (its caller sees the failure).
    this.turn = result.catch(() => undefined);
    return result;
  }

  private async removeUnreferenced(): Promise<void> {
    const used = new Set((this.db.prepare('SELECT DISTINCT sha256 FROM artifacts').all() as { sha256: string }[]).map((row) => row.sha256));
    for (const prefix of await listDir(this.root)) {
      const folder = path.join(this.root, prefix);
      const names = await listDir(folder);
      let left = names.length;
      for (const name of names) {
        // No put is in flight during a sweep, so a temp file (`….tmp`) is one a crashed put left: it goes too.
        if (used.has(prefix + name)) continue;
        await rm(path.join(folder, name), { force: true });
        left--;
      }
      if (left === 0) await rmdir(folder);
    }
  }

  private async blobMatches(sha256: string): Promise<boolean> {
    try {
      return BlobStore.sha256(new Uint8Array(await readFile(this.blobs.pathOf(sha256)))) === sha256;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return true; // nothing there: put writes it
      throw error;
    }
  }
}

function toInfo(row: ArtifactRow): ArtifactInfo {
  return {
    id: row.id,
    spaceId: row.space_id,
    ...(row.report_id !== null ? { reportId: row.report_id } : {}),
    format: ArtifactFormat.parse(row.format),
    version: row.version,
    fileName: row.file_name,
    mediaType: row.media_type,
    sizeBytes: row.size_bytes,
    sha256: row.sha256,
    createdAt: row.created_at,
  };
}

function describe(info: ArtifactInfo): string {
  return info.reportId === undefined ? info.fileName : `${info.fileName} (${info.format}, version ${info.version})`;
}

function remedy(info: ArtifactInfo): string {
  return info.reportId === undefined ? 'Make the file again (ask the agent for a new draft).' : 'Render the report again to make a new version.';
}

async function listDir(folder: string): Promise<string[]> {
  try {
    return await readdir(folder);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []; // nothing stored yet
    throw error;
  }
}
