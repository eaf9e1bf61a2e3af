/**
 * Files streamed to the team server before they are added (`POST /upload`, then `documents.ingest` with an
 * `upload` source), so a large file never has to fit in one WebSocket frame. Each is written to
 * `<dataDir>/uploads/<id>` as it arrives, never held in memory, and waits there for its uploader to add it; its
 * bytes count towards the uploader's quota while it waits and, once it became a document, for good.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { HearthError } from '../../../schemas/index.js';
import { positiveIntegerFromEnv } from '../env.js';
import { formatOfFile } from '../parsers/index.js';
import type { Db } from '../storage/index.js';

export interface UploadLimits {
  /** The largest file Hearth adds (its `maxFileBytes`). */
  maxBytes: number;
  /** How many bytes the uploader may have added and waiting, this file included. */
  quotaBytes: number;
  /** Aborts when the request goes away: the partial file is deleted. */
  signal?: AbortSignal | undefined;
}

export interface ReceivedUpload {
  uploadId: string;
  name: string;
  sizeBytes: number;
}

/** What an uploader's quota counts: bytes that became documents, and bytes of uploads still waiting. */
export interface UploadUsage {
  keptBytes: number;
  pendingBytes: number;
  usedBytes: number;
}

/** An upload not added within this long is deleted at the next start. */
const maxWaitMs = 24 * 3600 * 1000;
const sweepEveryMs = 60 * 60 * 1000;
const partSuffix = '.part';

export class Uploads {
  /** How many bytes one team member may have added (HEARTH_UPLOAD_QUOTA_MB unless given). */
  readonly quotaBytes: number;
  /** Bytes of each person's uploads still arriving. */
  private readonly arriving = new Map<string, number>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly db: Db,
    readonly folder: string,
    options: { quotaBytes?: number } = {},
  ) {
    this.quotaBytes = options.quotaBytes ?? uploadQuotaFromEnv(process.env);
    // While Hearth runs, uploads never added are let go too (not only at the next start).
    this.sweeper = setInterval(() => this.dropStale(new Date(Date.now() - maxWaitMs)), sweepEveryMs);
    this.sweeper.unref();
    mkdirSync(folder, { recursive: true });
    this.sweep(new Date(Date.now() - maxWaitMs));
  }

  /**
   * Streams `body` to a file in the folder, counting its bytes, and records it for `userId`. Stops with
   * FILE_TOO_LARGE past `maxBytes`, QUOTA_EXCEEDED once the uploader's usage and this file would pass
   * `quotaBytes`, CANCELLED when `signal` aborts; on any failure the partial file is deleted.
   */
  async receive(userId: string, fileName: string, body: AsyncIterable<Uint8Array>, limits: UploadLimits): Promise<ReceivedUpload> {
    const name = uploadName(fileName);
    formatOfFile(name); // a format Hearth does not read fails before any byte is stored
    // Usage read once for the stream (checked again when the upload is recorded); the person's other uploads still
    // arriving count as they arrive, so ten at once cannot each fill the disk up to the quota.
    const usedBefore = this.usage(userId).usedBytes;
    refuseIfPast(name, 0, usedBefore + (this.arriving.get(userId) ?? 0), limits);
    const uploadId = randomUUID();
    const target = path.join(this.folder, uploadId);
    const part = `${target}${partSuffix}`;
    let sizeBytes = 0;
    const arriving = this.arriving;
    async function* counted(): AsyncGenerator<Uint8Array> {
      for await (const chunk of body) {
        sizeBytes += chunk.byteLength;
        arriving.set(userId, (arriving.get(userId) ?? 0) + chunk.byteLength);
        refuseIfPast(name, sizeBytes, usedBefore + (arriving.get(userId) ?? 0) - sizeBytes, limits);
        yield chunk;
      }
    }
    const stopCounting = () => {
      const left = (arriving.get(userId) ?? 0) - sizeBytes;
      if (left > 0) arriving.set(userId, left);
      else arriving.delete(userId);
    };
    try {
      // Opened before the stream starts, so a failure cannot come before the file exists and leave it behind after the clean-up.
      const file = await open(part, 'wx');
      await pipeline(counted, file.createWriteStream(), limits.signal ? { signal: limits.signal } : {});
      await rename(part, target);
      // Checked again with the row written: uploads of the same person that finished meanwhile count too.
      this.db.transaction(() => {
        refuseIfPast(name, sizeBytes, this.usage(userId).usedBytes, limits);
        this.db
          .prepare('INSERT INTO uploads (id, user_id, name, size_bytes, created_at) VALUES (?, ?, ?, ?, ?)')
          .run(uploadId, userId, name, sizeBytes, new Date().toISOString());
      })();
    } catch (error) {
      await rm(part, { force: true });
      await rm(target, { force: true });
      if (limits.signal?.aborted && !(error instanceof HearthError)) {
        throw new HearthError('CANCELLED', `The upload of ${name} stopped before it finished (${formatMegabytes(sizeBytes)} had arrived); upload it again.`, { fileName: name });
      }
      throw error;
    } finally {
      stopCounting();
    }
    return { uploadId, name, sizeBytes };
  }

  /**
   * Throws FILE_TOO_LARGE when a file of `sizeBytes` is past `maxBytes`, QUOTA_EXCEEDED when the uploader's
   * usage and it would pass `quotaBytes`: for a size announced before the bytes arrive (a Content-Length).
   */
  checkRoom(userId: string, name: string, sizeBytes: number, limits: Pick<UploadLimits, 'maxBytes' | 'quotaBytes'>): void {
    refuseIfPast(name, sizeBytes, this.usage(userId).usedBytes, limits);
  }

  /** An upload of `userId`'s, to read: NOT_FOUND unless it exists and is theirs. */
  take(uploadId: string, userId: string): { path: string; name: string; sizeBytes: number } {
    const row = this.db.prepare('SELECT name, size_bytes AS sizeBytes FROM uploads WHERE id = ? AND user_id = ?').get(uploadId, userId) as
      | { name: string; sizeBytes: number }
      | undefined;
    if (!row) {
      // The same answer whether it is someone else's or gone: an upload id tells nobody else anything.
      throw new HearthError('NOT_FOUND', `There is no upload ${uploadId} of yours (an upload not added within 24 hours is deleted); upload the file again.`, { uploadId });
    }
    return { path: path.join(this.folder, uploadId), name: row.name, sizeBytes: row.sizeBytes };
  }

  /**
   * Ends an upload once its ingest has: when its bytes became a document (`documentId`) they count towards the
   * uploader's quota for as long as that document is kept; either way its row and file go. An upload settled
   * already is left as it is.
   */
  async settle(uploadId: string, outcome: { documentId?: string | undefined }): Promise<void> {
    this.db.transaction(() => {
      const row = this.db.prepare('SELECT user_id AS userId, size_bytes AS sizeBytes FROM uploads WHERE id = ?').get(uploadId) as
        | { userId: string; sizeBytes: number }
        | undefined;
      if (!row) return;
      if (outcome.documentId !== undefined) {
        this.db
          .prepare('INSERT OR REPLACE INTO uploaded_documents (document_id, user_id, size_bytes) VALUES (?, ?, ?)')
          .run(outcome.documentId, row.userId, row.sizeBytes);
      }
      this.db.prepare('DELETE FROM uploads WHERE id = ?').run(uploadId);
    })();
    await rm(path.join(this.folder, uploadId), { force: true });
  }

  usage(userId: string): UploadUsage {
    const kept = this.db.prepare('SELECT COALESCE(SUM(size_bytes), 0) AS bytes FROM uploaded_documents WHERE user_id = ?').get(userId) as { bytes: number } | undefined;
    const pending = this.db.prepare('SELECT COALESCE(SUM(size_bytes), 0) AS bytes FROM uploads WHERE user_id = ?').get(userId) as { bytes: number };
    const keptBytes = kept?.bytes ?? 0;
    return { keptBytes, pendingBytes: pending.bytes, usedBytes: keptBytes + pending.bytes };
  }

  /**
   * At start-up: uploads older than `before` were never added (or their job ended without settling them), and a
   * file with no row is what a crash left mid-upload; both go.
   */
  dispose(): void {
    clearInterval(this.sweeper);
  }

  /** Uploads recorded before `before` and never added: their rows and files go (files still arriving are left alone). */
  private dropStale(before: Date): void {
    const stale = this.db.prepare('SELECT id FROM uploads WHERE created_at < ?').all(before.toISOString()) as { id: string }[];
    for (const { id } of stale) {
      this.db.prepare('DELETE FROM uploads WHERE id = ?').run(id);
      rmSync(path.join(this.folder, id), { force: true });
    }
  }

  private sweep(before: Date): void {
    this.db.prepare('DELETE FROM uploads WHERE created_at < ?').run(before.toISOString());
    const waiting = new Set((this.db.prepare('SELECT id FROM uploads').all() as { id: string }[]).map((row) => row.id));
    for (const file of readdirSync(this.folder)) {
      if (!waiting.has(file)) rmSync(path.join(this.folder, file), { force: true, recursive: true });
    }
  }
}

/** FILE_TOO_LARGE past `maxBytes`; QUOTA_EXCEEDED when `usedBytes` and the file would pass `quotaBytes`. */
function refuseIfPast(name: string, sizeBytes: number, usedBytes: number, limits: Pick<UploadLimits, 'maxBytes' | 'quotaBytes'>): void {
  const { maxBytes, quotaBytes } = limits;
  if (sizeBytes > maxBytes) {
    throw new HearthError(
      'FILE_TOO_LARGE',
      `${name} is more than ${formatMegabytes(maxBytes)}, the largest file Hearth takes (set HEARTH_MAX_FILE_MB to change it).`,
      { fileName: name, sizeBytes, maxBytes },
    );
  }
  if (usedBytes + sizeBytes > quotaBytes) {
    throw new HearthError(
      'QUOTA_EXCEEDED',
      `${name} does not fit in your upload quota: you have used ${formatMegabytes(usedBytes)} of your ${formatMegabytes(quotaBytes)}` +
        `${sizeBytes > 0 ? `, and the file is ${formatMegabytes(sizeBytes)} or more` : ''}. Ask your admin to raise it (HEARTH_UPLOAD_QUOTA_MB).`,
      { usedBytes, quotaBytes },
    );
  }
}

/** The file name an upload is known by: the last part of what the client sent, without any folders. */
function uploadName(fileName: string): string {
  const name = fileName.split(/[\\/]/).pop()!.trim();
  if (name.length === 0 || name.length > 512 || name === '.' || name === '..') {
    throw new HearthError('BAD_REQUEST', `"${fileName.slice(0, 80)}" is not a file name Hearth can keep: give the file's name (1 to 512 characters).`, { fileName: fileName.slice(0, 512) });
  }
  return name;
}

const formatMegabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** The upload quota per person: HEARTH_UPLOAD_QUOTA_MB (a whole number of megabytes), default 2048 MB. */
export function uploadQuotaFromEnv(env: NodeJS.ProcessEnv): number {
  return (positiveIntegerFromEnv(env, 'HEARTH_UPLOAD_QUOTA_MB') ?? 2048) * 1024 * 1024;
}

