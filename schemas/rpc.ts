/**
 * The one RPC contract between the UI and the core. Every method is data: a zod schema for its params and
 * result, and — for streaming methods — for the events it emits before the result. Electron IPC and the
 * WebSocket carry the same frames; neither knows what a method means.
 */
import { z } from 'zod';
import { ErrorPayload } from './errors.js';
import {
  Citation,
  Conversation,
  DocumentFormat,
  DocumentInfo,
  Id,
  IngestStage,
  LocatedCitation,
  Message,
  RetrievalHit,
  Space,
} from './domain.js';
import { ModelImportResult, ModelKindName, ModelLibraryInfo, SmokeReport } from './models.js';

interface CallSpec<P extends z.ZodType, R extends z.ZodType> {
  kind: 'call';
  params: P;
  result: R;
}
interface StreamSpec<P extends z.ZodType, E extends z.ZodType, R extends z.ZodType> {
  kind: 'stream';
  params: P;
  event: E;
  result: R;
}

const call = <P extends z.ZodType, R extends z.ZodType>(params: P, result: R): CallSpec<P, R> => ({
  kind: 'call',
  params,
  result,
});
const stream = <P extends z.ZodType, E extends z.ZodType, R extends z.ZodType>(
  params: P,
  event: E,
  result: R,
): StreamSpec<P, E, R> => ({ kind: 'stream', params, event, result });

/** Where the bytes of a document come from: a path on the core's machine, or the bytes themselves. */
export const DocumentSource = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('path'), path: z.string().min(1) }),
  z.object({
    kind: z.literal('bytes'),
    name: z.string().min(1).max(512),
    /** Base64 of the file's bytes. */
    base64: z.string(),
  }),
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

export const AnswerEvent = z.discriminatedUnion('type', [
  /** The conversation the answer is stored in (sent first, so the UI can follow it). */
  z.object({ type: z.literal('conversation'), conversation: Conversation, question: Message }),
  z.object({ type: z.literal('citation'), index: z.number().int().positive(), citation: Citation }),
  z.object({ type: z.literal('delta'), text: z.string() }),
]);
export type AnswerEvent = z.infer<typeof AnswerEvent>;

const SpaceRef = z.object({ spaceId: Id });

/**
 * How far a space's preparation for search has come: passages embedded for the active embedding model (on the
 * space's first use, or all of them again after the embedding model changed). Sent at 0 once the total is known.
 */
export const SpacePrepareProgress = z.object({
  stage: z.literal('embedding'),
  done: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
});
export type SpacePrepareProgress = z.infer<typeof SpacePrepareProgress>;

export const SpacePrepareResult = z.object({
  /** `current`: nothing to do; `synced`: missing passages embedded; `reembedded`: all embedded again for a new model. */
  status: z.enum(['current', 'synced', 'reembedded']),
  embedded: z.number().int().nonnegative(),
  removed: z.number().int().nonnegative(),
});
export type SpacePrepareResult = z.infer<typeof SpacePrepareResult>;

export const SearchFilter = z.object({
  projects: z.array(z.string()).max(100).optional(),
  documentIds: z.array(Id).max(1000).optional(),
  types: z.array(DocumentFormat).max(20).optional(),
  /** ISO 8601: documents added at or after. */
  createdFrom: z.iso.datetime({ offset: true }).optional(),
  /** ISO 8601: documents added before. */
  createdBefore: z.iso.datetime({ offset: true }).optional(),
});
export type SearchFilter = z.infer<typeof SearchFilter>;

export const methods = {
  'app.info': call(
    z.object({}),
    z.object({ version: z.string(), dataDir: z.string(), answerMode: z.enum(['extractive', 'llm']) }),
  ),
  'spaces.list': call(z.object({}), z.array(Space)),
  'spaces.create': call(z.object({ name: z.string().trim().min(1).max(200) }), Space),
  /**
   * Prepares a space for search (keyword index loaded, passages embedded for the active embedding model), or
   * joins the preparation already running: every watcher gets the same progress and result. Searches, answers
   * and ingest in the space wait for it. Cancelling stops this watcher only; the work goes on.
   */
  'spaces.prepare': stream(SpaceRef, SpacePrepareProgress, SpacePrepareResult),
  'documents.list': call(SpaceRef, z.array(DocumentInfo)),
  'documents.ingest': stream(
    z.object({
      spaceId: Id,
      source: DocumentSource,
      /** For an encrypted PDF, after a PASSWORD_REQUIRED answer. */
      password: z.string().max(1024).optional(),
      project: z.string().trim().min(1).max(200).optional(),
    }),
    IngestProgress,
    IngestResult,
  ),
  /**
   * Reads a document again from its stored original (after a parser improved, or OCR language data was added)
   * and replaces its passages once the new reading is indexed; a failure leaves the old one as it was. The
   * document keeps its name, project and date added, under a new id (the result's `document.id`).
   */
  'documents.reingest': stream(
    z.object({
      documentId: Id,
      /** For an encrypted PDF, after a PASSWORD_REQUIRED answer. */
      password: z.string().max(1024).optional(),
    }),
    IngestProgress,
    IngestResult,
  ),
  'documents.delete': call(z.object({ documentId: Id }), z.object({})),
  /**
   * The original file as dropped (for showing a PDF page); base64, up to the ingest size limit. Like
   * `documents.text`, an id of a replaced reading answers with the document that replaced it (`document.id`).
   */
  'documents.original': call(
    z.object({ documentId: Id }),
    z.object({ document: DocumentInfo, base64: z.string() }),
  ),
  /**
   * A document's normalized text (citation offsets point into it). For the id of a reading that was replaced (a
   * re-read, a changed file added again) it answers with the document that replaced it: `document.id` differs.
   */
  'documents.text': call(
    z.object({ documentId: Id }),
    z.object({ document: DocumentInfo, text: z.string() }),
  ),
  /**
   * A stored citation opened again. After its document was re-read or a changed file added again, the citation
   * moved into the reading that replaced it (offsets, chunk, page); NOT_FOUND when the document was deleted.
   */
  'citations.locate': call(z.object({ citation: Citation }), LocatedCitation),
  'search.query': call(
    z.object({
      spaceId: Id,
      query: z.string().min(1).max(4000),
      limit: z.number().int().min(1).max(100).default(8),
      /** Narrows the search within the space; the space itself is never widened by it. */
      filter: SearchFilter.optional(),
    }),
    z.array(RetrievalHit),
  ),
  'conversations.list': call(SpaceRef, z.array(Conversation)),
  'conversations.messages': call(z.object({ conversationId: Id }), z.array(Message)),
  'models.list': call(z.object({}), ModelLibraryInfo),
  'models.check': call(z.object({ kind: ModelKindName, alias: z.string().min(1) }), SmokeReport),
  'models.use': call(z.object({ kind: ModelKindName, alias: z.string().min(1) }), ModelLibraryInfo),
  'models.import': call(
    z.object({ path: z.string().min(1), alias: z.string().min(1).optional(), kind: ModelKindName.optional() }),
    ModelImportResult,
  ),
  'chat.ask': stream(
    z.object({
      spaceId: Id,
      question: z.string().trim().min(1).max(8000),
      conversationId: Id.optional(),
      /** Answers only from the documents the filter lets through (within the space, never beyond it). */
      filter: SearchFilter.optional(),
    }),
    AnswerEvent,
    Message,
  ),
} as const;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export type CallMethod = { [K in MethodName]: Methods[K] extends CallSpec<any, any> ? K : never }[MethodName];
export type StreamMethod = { [K in MethodName]: Methods[K] extends StreamSpec<any, any, any> ? K : never }[MethodName];
/** Params as the caller writes them (defaults may be left out). */
export type ParamsIn<M extends MethodName> = z.input<Methods[M]['params']>;
export type Params<M extends MethodName> = z.output<Methods[M]['params']>;
export type Result<M extends MethodName> = z.output<Methods[M]['result']>;
export type EventOf<M extends StreamMethod> = Methods[M] extends StreamSpec<any, infer E, any> ? z.output<E> : never;

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(methods, name);
}

/** Frames: what the transports carry. `id` is chosen by the client and unique per connection. */
export const FrameId = z.string().min(1).max(64);

export const ClientFrame = z.discriminatedUnion('type', [
  z.object({ type: z.literal('request'), id: FrameId, method: z.string().max(100), params: z.unknown() }),
  z.object({ type: z.literal('cancel'), id: FrameId }),
]);
export type ClientFrame = z.infer<typeof ClientFrame>;

export const ServerFrame = z.discriminatedUnion('type', [
  z.object({ type: z.literal('result'), id: FrameId, result: z.unknown() }),
  z.object({ type: z.literal('event'), id: FrameId, event: z.unknown() }),
  /** `id` is null when the frame it answers could not be read at all. */
  z.object({ type: z.literal('error'), id: FrameId.nullable(), error: ErrorPayload }),
]);
export type ServerFrame = z.infer<typeof ServerFrame>;
