/** The things a user sees — spaces, documents, passages, citations, conversations — as zod schemas. */
import { z } from 'zod';

export const Id = z.string().min(1).max(64);

export const Space = z.object({
  id: Id,
  name: z.string(),
  createdAt: z.string(),
  documentCount: z.number().int().nonnegative(),
});
export type Space = z.infer<typeof Space>;

export const DocumentFormat = z.enum(['markdown', 'text', 'pdf', 'docx', 'xlsx', 'csv', 'pptx', 'html']);
export type DocumentFormat = z.infer<typeof DocumentFormat>;

export const DocumentInfo = z.object({
  id: Id,
  spaceId: Id,
  name: z.string(),
  format: DocumentFormat,
  sha256: z.string().length(64),
  sizeBytes: z.number().int().nonnegative(),
  chunkCount: z.number().int().nonnegative(),
  createdAt: z.string(),
  /** The project the document was added under, if any. */
  project: z.string().optional(),
  /** Pages of a PDF. */
  pageCount: z.number().int().nonnegative().optional(),
  /** What the reader noticed: pages without text, OCR used or unavailable… */
  warnings: z.array(z.string()).default([]),
});
export type DocumentInfo = z.infer<typeof DocumentInfo>;

/** Where a passage came from: character offsets are into the document's normalized text. */
export const Citation = z.object({
  documentId: Id,
  documentName: z.string(),
  chunkId: Id,
  headingPath: z.array(z.string()),
  start: z.number().int().nonnegative(),
  end: z.number().int().nonnegative(),
  snippet: z.string(),
  /** PDF pages the passage spans (1-based). */
  page: z.number().int().positive().optional(),
  pageEnd: z.number().int().positive().optional(),
  /** Spreadsheet sheet and cell range (`A1:D20`). */
  sheet: z.string().optional(),
  cells: z.string().optional(),
  /** Presentation slide (1-based). */
  slide: z.number().int().positive().optional(),
});
export type Citation = z.infer<typeof Citation>;

export const RetrievalHit = z.object({
  citation: Citation,
  text: z.string(),
  score: z.number(),
});
export type RetrievalHit = z.infer<typeof RetrievalHit>;

/**
 * Where a stored citation's passage is now. A re-read, or a changed file added again, replaces a document under
 * a new id; `document` is the one that stands for the cited id now and `citation` points into it (its page
 * too). `passage`: `current` — the document was not replaced; `same` — replaced, the passage is where it was;
 * `moved` — found elsewhere in the new reading; `missing` — no longer in it word for word, so the citation
 * points at the top of the document.
 */
export const LocatedCitation = z.object({
  document: DocumentInfo,
  citation: Citation,
  passage: z.enum(['current', 'same', 'moved', 'missing']),
});
export type LocatedCitation = z.infer<typeof LocatedCitation>;

/** A conversation's key follows the `{org:team:channel:thread}` scheme. */
export const ConversationKey = z.object({
  org: z.string().min(1),
  team: z.string().min(1),
  channel: z.string().min(1),
  thread: z.string().min(1),
});
export type ConversationKey = z.infer<typeof ConversationKey>;

export const Conversation = z.object({
  id: Id,
  spaceId: Id,
  key: z.string(),
  title: z.string(),
  createdAt: z.string(),
});
export type Conversation = z.infer<typeof Conversation>;

export const MessageRole = z.enum(['user', 'assistant']);

/** The agents a request can be routed to (see schemas/rpc/agents.ts). (The Guard is not routed to: it checks every run.) */
export const AgentName = z.enum(['rag', 'planner', 'report']);
export type AgentName = z.infer<typeof AgentName>;

/** Whether a claim of an answer or report is supported by the passage it cites, and how that was judged. */
export const ClaimVerdict = z.object({
  /** The sentence, as written in the answer. */
  claim: z.string(),
  /** Where it is in the answer's text (character offsets), so the UI marks it. */
  start: z.number().int().nonnegative(),
  end: z.number().int().nonnegative(),
  /** The citation numbers it cites (`[n]`). */
  citations: z.array(z.number().int().positive()),
  verdict: z.enum(['supported', 'partial', 'unsupported']),
  /** `llm`: a judge model; `cross-encoder`: the reranker's score; `overlap`: word overlap (no model). */
  method: z.enum(['llm', 'cross-encoder', 'overlap']),
  /** 0..1: how strongly the passage supports it, by that method. */
  score: z.number().min(0).max(1),
});
export type ClaimVerdict = z.infer<typeof ClaimVerdict>;

/** An answer's text cites with markers `[n]`; `citations[n - 1]` is the source of marker `[n]`. */
export const Message = z.object({
  id: Id,
  conversationId: Id,
  role: MessageRole,
  content: z.string(),
  citations: z.array(Citation),
  /** What an answer says about how it was made (reranking off, and why), shown beside it. */
  notices: z.array(z.string()).default([]),
  /** The trace the answer was made in (`traces.get`), when it was traced. */
  traceId: z.string().optional(),
  /** The agent that wrote an answer, and its run (`jobs.get`), when an agent run did. */
  agent: AgentName.optional(),
  runId: Id.optional(),
  /** The Guard's check of the answer's cited claims, when it was checked. */
  claims: z.array(ClaimVerdict).optional(),
  createdAt: z.string(),
});
export type Message = z.infer<typeof Message>;

export const IngestStage = z.enum(['reading', 'parsing', 'chunking', 'embedding', 'indexing', 'done']);
export type IngestStage = z.infer<typeof IngestStage>;
