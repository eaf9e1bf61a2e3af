/**
 * Answers a question from a space's documents. The question and the answer are stored in the
 * conversation; the passages used are the answer's numbered citations (`[n]` ↔ `citations[n-1]`).
 * With a language model the answer is written from the passages; without one — or when the model
 * cannot start — it is extractive: the best passages quoted, streamed the same way.
 */
import { HearthError, type AnswerEvent, type Citation, type Message, type RetrievalHit } from '../../../schemas/index.js';
import type { ChatMessage, ChatModel } from '../models/index.js';
import type { Conversations } from './conversations.js';

export interface AskDeps {
  conversations: Conversations;
  /** The best passages for a query, and what the answer should say about how they were found (reranking off, and why). */
  retrieve(query: string, limit: number): Promise<{ hits: RetrievalHit[]; notices?: string[] }>;
  /** The language model, when one is configured; it is opened only when a question needs it. */
  chatModel?: () => Promise<ChatModel | undefined>;
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
/** Words per streamed delta of an extractive answer. */
const wordsPerDelta = 6;

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

  let model: ChatModel | undefined;
  let modelProblem: string | undefined;
  try {
    model = await deps.chatModel?.();
  } catch (error) {
    modelProblem = (error as Error).message;
  }
  const { hits, notices = [] } = await deps.retrieve(request.question, model ? modelPassages : extractivePassages);
  for (const notice of notices) yield { type: 'notice', text: notice };
  const answer = { content: '', citations: [] as Citation[] };
  if (model && hits.length > 0) {
    yield* generated(model, history, request.question, hits, answer, signal);
  } else {
    yield* extractive(hits, answer, signal, modelProblem, request.narrowed === true);
  }
  return deps.conversations.append(conversation.id, { role: 'assistant', content: answer.content.trim(), citations: answer.citations, notices });
}

async function* generated(
  model: ChatModel,
  history: Message[],
  question: string,
  hits: RetrievalHit[],
  answer: { content: string; citations: Citation[] },
  signal?: AbortSignal,
): AsyncGenerator<AnswerEvent> {
  for (const [i, hit] of hits.entries()) {
    answer.citations.push(hit.citation);
    yield { type: 'citation', index: i + 1, citation: hit.citation };
  }
  const passages = hits
    .map((hit, i) => `[${i + 1}] ${[hit.citation.documentName, ...hit.citation.headingPath].join(' › ')}\n${hit.text}`)
    .join('\n\n');
  const messages: ChatMessage[] = [
    {
      role: 'system',
      content:
        'You answer questions from the user’s own documents. Use only the numbered passages given with the question. ' +
        'After each claim, cite its passage as [n]. If the passages do not contain the answer, say so plainly. ' +
        'Answer in the language of the question.',
    },
    ...history.map((message) => ({ role: message.role, content: message.content })),
    { role: 'user', content: `Passages:\n\n${passages}\n\nQuestion: ${question}` },
  ];
  for await (const event of model.chat({ messages, maxTokens: 1024, temperature: 0.2 }, signal ? { signal } : {})) {
    if (event.type === 'text') {
      answer.content += event.text;
      yield { type: 'delta', text: event.text };
    } else if (event.type === 'finish' && event.reason === 'cancelled') {
      throw new HearthError('CANCELLED', 'The answer was cancelled.');
    }
    // No tools are offered here, so no tool calls come; a warning has no place in the answer's events yet.
  }
}

function* extractive(
  hits: RetrievalHit[],
  answer: { content: string; citations: Citation[] },
  signal: AbortSignal | undefined,
  modelProblem: string | undefined,
  narrowed: boolean,
): Generator<AnswerEvent> {
  const write = function* (text: string): Generator<AnswerEvent> {
    for (const piece of pieces(text)) {
      if (signal?.aborted) throw new HearthError('CANCELLED', 'The answer was cancelled.');
      answer.content += piece;
      yield { type: 'delta', text: piece };
    }
  };
  if (modelProblem) yield* write(`The language model could not start (${modelProblem}), so this answer quotes the documents instead.\n\n`);
  if (hits.length === 0) {
    yield* write(
      narrowed
        ? 'Nothing in the filtered documents matches the question. Try other words, or widen the filter to the whole space.'
        : 'Nothing in this space’s documents matches the question. Try other words, or add documents that cover it.',
    );
    return;
  }
  if (!modelProblem) yield* write('No language model is configured, so here are the passages that best match the question:\n\n');
  for (const [i, hit] of hits.entries()) {
    answer.citations.push(hit.citation);
    yield { type: 'citation', index: i + 1, citation: hit.citation };
    const where = [hit.citation.documentName, ...hit.citation.headingPath].join(' › ');
    yield* write(`[${i + 1}] ${where}\n${quote(hit.text)}\n\n`);
  }
}

function* pieces(text: string): Generator<string> {
  const words = text.split(/(?<=\s)/);
  for (let i = 0; i < words.length; i += wordsPerDelta) yield words.slice(i, i + wordsPerDelta).join('');
}

const quote = (text: string) =>
  text
    .split('\n')
    .map((line) => `> ${line}`)
    .join('\n');

const titleOf = (question: string) => (question.length > 80 ? `${question.slice(0, 79)}…` : question);
