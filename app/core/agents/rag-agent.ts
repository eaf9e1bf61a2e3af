/**
 * The Research agent: the cited answer of `chat.ask`, across many documents. A comparative or multi-part
 * question becomes several searches (sub-queries.ts), each within the caller's spaces, the run's filter and
 * attachments; their passages are merged — each search's best first, duplicates dropped — so every document
 * the answer rests on is cited. The model reads the passages as quoted data in marked blocks; a passage that
 * reads like instructions is flagged (and still shown as data). With no model the answer quotes the passages.
 */
import type { Citation, Message, RetrievalHit, SearchFilter } from '../../../schemas/index.js';
import { answerInstructions, citePassages, extractiveAnswer, streamAnswer, type AnswerDraft } from '../chat/index.js';
import { evidenceBlock, passagesAreData } from '../citations/index.js';
import type { ChatMessage, ChatModel } from '../models/index.js';
import type { AgentContext } from './agent-context.js';
import { instructionsIn } from './guard/index.js';
import { subQueriesOf } from './sub-queries.js';

export interface RagInput {
  request: string;
  filter?: SearchFilter | undefined;
  documentIds?: string[] | undefined;
  /** Earlier turns of the conversation, oldest first. */
  history: Message[];
}

export interface RagAnswer {
  content: string;
  citations: Citation[];
  notices: string[];
  /** The passages by the numbers the answer cites, for the Guard's check. */
  evidence: { number: number; text: string }[];
}

/** Passages a model reads, and an extractive answer quotes, in all; and the fewest each search brings. */
const modelPassages = 8;
const extractivePassages = 3;
const extractivePerSearch = 2;
/** Earlier turns a model sees, so follow-up questions make sense. */
const historyTurns = 6;

export async function runRag(ctx: AgentContext, input: RagInput): Promise<RagAnswer> {
  let model: ChatModel | undefined;
  let modelProblem: string | undefined;
  try {
    model = await ctx.chatModel();
  } catch (error) {
    modelProblem = (error as Error).message;
  }
  const queries = await subQueriesOf(input.request, model, ctx.signal);
  if (queries.length > 1) ctx.emit({ type: 'thought', text: `Searching for each part: ${queries.map((query) => `“${query}”`).join('; ')}.` });

  const total = model ? modelPassages : Math.max(extractivePassages, Math.min(modelPassages, extractivePerSearch * queries.length));
  const perSearch = queries.length === 1 ? total : Math.max(extractivePerSearch, Math.ceil((total * 1.5) / queries.length));
  const notices: string[] = [];
  const found: RetrievalHit[][] = [];
  for (const query of queries) {
    const { hits, notices: said } = await ctx.retrieve(query, { limit: perSearch, filter: input.filter, documentIds: input.documentIds });
    found.push(hits);
    for (const notice of said) if (!notices.includes(notice)) notices.push(notice);
  }
  for (const notice of notices) ctx.emit({ type: 'notice', text: notice });
  const hits = merged(found, total);
  for (const hit of hits) {
    const reasons = instructionsIn(hit.text);
    if (reasons.length > 0) ctx.emit({ type: 'passage-flagged', citation: hit.citation, reasons });
  }

  const answer: AnswerDraft = { content: '', citations: [] };
  const writing =
    model && hits.length > 0
      ? written(model, input, hits, answer, ctx.signal)
      : extractiveAnswer(hits, answer, { signal: ctx.signal, modelProblem, narrowed: Boolean(input.filter || input.documentIds?.length) });
  for await (const event of writing) ctx.emit(event);
  return { content: answer.content.trim(), citations: answer.citations, notices, evidence: hits.map((hit, i) => ({ number: i + 1, text: hit.text })) };
}

async function* written(model: ChatModel, input: RagInput, hits: RetrievalHit[], answer: AnswerDraft, signal: AbortSignal) {
  yield* citePassages(hits, answer);
  const passages = hits.map((hit, i) => ({ number: i + 1, text: hit.text, citation: hit.citation }));
  const messages: ChatMessage[] = [
    {
      role: 'system',
      content: `${answerInstructions} The user's message holds ${hits.length} numbered passages between <passage> markers, then the question; cite every document your answer uses. ${passagesAreData}`,
    },
    ...input.history.slice(-historyTurns).map((message) => ({ role: message.role, content: message.content })),
    { role: 'user', content: `${evidenceBlock(passages)}\n\nQuestion: ${input.request}` },
  ];
  yield* streamAnswer(model, messages, answer, signal);
}

/**
 * The searches' passages as one list: each search's best passage first (so each part's documents are in),
 * then each one's second best, and so on; a passage two searches found is listed once.
 */
export function merged(found: readonly RetrievalHit[][], limit: number): RetrievalHit[] {
  const hits: RetrievalHit[] = [];
  const seen = new Set<string>();
  const deepest = Math.max(0, ...found.map((list) => list.length));
  for (let rank = 0; rank < deepest && hits.length < limit; rank++) {
    for (const list of found) {
      const hit = list[rank];
      if (!hit || seen.has(hit.citation.chunkId)) continue;
      seen.add(hit.citation.chunkId);
      hits.push(hit);
      if (hits.length >= limit) break;
    }
  }
  return hits;
}
