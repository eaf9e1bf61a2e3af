/**
 * Answers a question from a space's documents. The question and the answer are stored in the
 * conversation; the passages used are the answer's numbered citations (`[n]` ↔ `citations[n-1]`).
 * With a language model the answer is written from the passages; without one — or when the model
 * cannot start — it is extractive: the best passages quoted, streamed the same way. With telemetry, each answer is
 * a trace (the retrieval and the model call its spans) whose id the answer message keeps.
 */
import { HearthError, type AnswerEvent, type Citation, type Message, type RetrievalHit } from '../../../schemas/index.js';
import type { ChatMessage, ChatModel } from '../models/index.js';
import { attr, retrievalAttributes, type HearthSpan, type Telemetry } from '../telemetry/index.js';
import { answerInstructions, citePassages, extractiveAnswer, streamAnswer, type AnswerDraft } from './answer-writing.js';
import type { Conversations } from './conversations.js';

export interface AskDeps {
  conversations: Conversations;
  /** The best passages for a query, and what the answer should say about how they were found (reranking off, and why). */
  retrieve(query: string, limit: number): Promise<{ hits: RetrievalHit[]; notices?: string[] }>;
  /** The language model, when one is configured; it is opened only when a question needs it. */
  chatModel?: () => Promise<ChatModel | undefined>;
  /** Where the answer's trace is kept; without it the answer is not traced. */
  telemetry?: Telemetry | undefined;
}

export interface AskRequest {
  spaceId: string;
  question: string;
  conversationId?: string | undefined;
  /** The passages come from a filtered part of the space (the wording of a "nothing matches" answer says so). */
  narrowed?: boolean | undefined;
}

/** How many passages an extractive answer quotes, and how many a model reads. */
const extractivePassages = 3;
const modelPassages = 6;
/** Earlier turns a model sees, so follow-up questions make sense. */
const historyTurns = 6;

export async function* askQuestion(deps: AskDeps, request: AskRequest, signal?: AbortSignal): AsyncGenerator<AnswerEvent, Message> {
  const conversation = request.conversationId
    ? deps.conversations.get(request.conversationId)
    : deps.conversations.create(request.spaceId, titleOf(request.question));
  if (conversation.spaceId !== request.spaceId) {
    throw new HearthError('BAD_REQUEST', `Conversation ${conversation.id} belongs to another space.`, { conversationId: conversation.id });
  }
  const history = deps.conversations.messages(conversation.id).slice(-historyTurns);
  const question = deps.conversations.append(conversation.id, { role: 'user', content: request.question, citations: [] });
  yield { type: 'conversation', conversation, question };

  const span = deps.telemetry?.startSpan('chat.ask', { spaceId: request.spaceId, attributes: { [attr.conversationId]: conversation.id } });
  try {
    let model: ChatModel | undefined;
    let modelProblem: string | undefined;
    try {
      model = await deps.chatModel?.();
    } catch (error) {
      modelProblem = (error as Error).message;
      span?.event('model-unavailable', { message: modelProblem });
    }
    if (model && deps.telemetry && span) model = deps.telemetry.traceChatModel(model, span);
    const { hits, notices = [] } = await retrieved(deps, span, request.question, model ? modelPassages : extractivePassages);
    for (const notice of notices) yield { type: 'notice', text: notice };
    const answer = { content: '', citations: [] as Citation[] };
    if (model && hits.length > 0) {
      yield* generated(model, history, request.question, hits, answer, signal);
    } else {
      span?.set({ [attr.chatExtractive]: true });
      yield* extractive(hits, answer, signal, modelProblem, request.narrowed === true);
    }
    const content = answer.content.trim();
    return deps.conversations.append(conversation.id, { role: 'assistant', content, citations: answer.citations, notices, traceId: span?.traceId });
  } catch (error) {
    span?.fail(error);
    throw error;
  } finally {
    span?.end();
  }
}

/** The retrieval, as a span of the answer's trace when it is traced. */
async function retrieved(deps: AskDeps, parent: HearthSpan | undefined, query: string, limit: number): ReturnType<AskDeps['retrieve']> {
  if (!deps.telemetry || !parent) return deps.retrieve(query, limit);
  return deps.telemetry.inSpan('retrieval', { parent, attributes: { [attr.retrievalLimit]: limit } }, async (span) => {
    const found = await deps.retrieve(query, limit);
    span.set({ ...retrievalAttributes(query, found.hits), [attr.retrievalNotices]: found.notices?.length ? found.notices : undefined });
    return found;
  });
}

async function* generated(
  model: ChatModel,
  history: Message[],
  question: string,
  hits: RetrievalHit[],
  answer: AnswerDraft,
  signal?: AbortSignal,
): AsyncGenerator<AnswerEvent> {
  yield* citePassages(hits, answer);
  const passages = hits
    .map((hit, i) => `[${i + 1}] ${[hit.citation.documentName, ...hit.citation.headingPath].join(' › ')}\n${hit.text}`)
    .join('\n\n');
  const messages: ChatMessage[] = [
    { role: 'system', content: answerInstructions },
    ...history.map((message) => ({ role: message.role, content: message.content })),
    { role: 'user', content: `Passages:\n\n${passages}\n\nQuestion: ${question}` },
  ];
  yield* streamAnswer(model, messages, answer, signal);
}

function extractive(
  hits: RetrievalHit[],
  answer: AnswerDraft,
  signal: AbortSignal | undefined,
  modelProblem: string | undefined,
  narrowed: boolean,
): Generator<AnswerEvent> {
  return extractiveAnswer(hits, answer, { signal, modelProblem, narrowed });
}

const titleOf = (question: string) => (question.length > 80 ? `${question.slice(0, 79)}…` : question);
