/** Documents: adding files to a space, reading them again, deleting them, and what is stored of them. */
import { z } from 'zod';
import { DocumentInfo, Id, IngestStage } from '../domain.js';
import { jobKind } from './job-spec.js';
import { call, inSpace } from './spec.js';

/**
 * Where the bytes of a document come from: the bytes themselves (one frame), a file the caller streamed to the
 * team server first (`POST /upload`, whose answer names the `uploadId`), or a path on the core's machine — the
 * one source only the person at that machine may name, so it comes last.
 */
export const DocumentSource = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('bytes'),
    name: z.string().min(1).max(512),
    /** Base64 of the file's bytes. */
    base64: z.string(),
  }),
  /** A file the caller uploaded; only its uploader may add it, and it waits for that at most 24 hours. */
  z.object({ kind: z.literal('upload'), uploadId: Id }),
  z.object({ kind: z.literal('path'), path: z.string().min(1) }),
]);
export type DocumentSource = z.infer<typeof DocumentSource>;

export const IngestProgress = z.object({
  stage: IngestStage,
  /** 0..1 over the whole file. */
  fraction: z.number().min(0).max(1),
});
export type IngestProgress = z.infer<typeof IngestProgress>;

export const IngestResult = z.object({
  document: DocumentInfo,
  /** `unchanged` when the same bytes were already in the space. */
  status: z.enum(['indexed', 'unchanged']),
});
export type IngestResult = z.infer<typeof IngestResult>;

/** Adding a file: a job, so it finishes when the window that started it is closed, and resumes after a restart. */
export const ingestJob = jobKind('ingest', IngestProgress, IngestResult);
/** Reading a document again from its stored original. */
export const reingestJob = jobKind('reingest', IngestProgress, IngestResult);

const DocumentRef = z.object({ documentId: Id });
const inDocumentSpace = (role: 'viewer' | 'editor') => inSpace(role, { document: 'documentId' });

export const documentsMethods = {
  'documents.list': call(z.object({ spaceId: Id }), z.array(DocumentInfo), inSpace('viewer')),
  /**
   * Adds a file: checks its format and size, keeps its bytes in the data folder, and starts the job that reads
   * and indexes it (follow it with `jobs.watch`). A file Hearth will not read fails here, before any job.
   */
  'documents.ingest': call(
    z.object({
      spaceId: Id,
      source: DocumentSource,
      /** For an encrypted PDF, after a PASSWORD_REQUIRED answer. */
      password: z.string().max(1024).optional(),
      project: z.string().trim().min(1).max(200).optional(),
    }),
    ingestJob.info,
    inSpace('editor'),
  ),
  /**
   * Reads a document again from its stored original (after a parser improved, or OCR language data was added)
   * and replaces its passages once the new reading is indexed; a failure leaves the old one as it was. The
   * document keeps its name, project and date added, under a new id (the result's `document.id`). A job, like
   * `documents.ingest`.
   */
  'documents.reingest': call(
    DocumentRef.extend({
      /** For an encrypted PDF, after a PASSWORD_REQUIRED answer. */
      password: z.string().max(1024).optional(),
    }),
    reingestJob.info,
    inDocumentSpace('editor'),
  ),
  'documents.delete': call(DocumentRef, z.object({}), inDocumentSpace('editor')),
  /**
   * The original file as dropped (for showing a PDF page); base64, up to the ingest size limit. Like
   * `documents.text`, an id of a replaced reading answers with the document that replaced it (`document.id`).
   */
  'documents.original': call(DocumentRef, z.object({ document: DocumentInfo, base64: z.string() }), inDocumentSpace('viewer')),
  /**
   * A document's normalized text (citation offsets point into it). For the id of a reading that was replaced (a
   * re-read, a changed file added again) it answers with the document that replaced it: `document.id` differs.
   */
  'documents.text': call(DocumentRef, z.object({ document: DocumentInfo, text: z.string() }), inDocumentSpace('viewer')),
} as const;
