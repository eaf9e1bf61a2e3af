/**
 * Answers a question in a space. With no language model configured the answer is extractive: the best
 * passages, quoted with numbered citations, streamed as they are written. Question and answer are stored
 * in the conversation.
 */
import { HearthError, type AnswerEvent, type Citation, type Message, type RetrievalHit } from '../../../schemas/index.js';
import type { Conversations } from './conversations.js';

export interface AskDeps {
  conversations: Conversations;
  retrieve(query: string, limit: number): RetrievalHit[];
}

export interface AskRequest {
  spaceId: string;
  question: string;
  conversationId?: string | undefined;
}

/** How many passages an extractive answer quotes. */
const passagesPerAnswer = 3;
/** Words per streamed delta: small enough to read as a stream, large enough not to flood the socket. */
const wordsPerDelta = 6;

export async function* askExtractive(deps: AskDeps, request: AskRequest, signal?: AbortSignal): AsyncGenerator<AnswerEvent, Message> {
  const conversation = request.conversationId
    ? deps.conversations.get(request.conversationId)
    : deps.conversations.create(request.spaceId, titleOf(request.question));
  if (conversation.spaceId !== request.spaceId) {
    throw new HearthError('BAD_REQUEST', `Conversation ${conversation.id} belongs to another space.`, { conversationId: conversation.id });
  }
  const question = deps.conversations.append(conversation.id, { role: 'user', content: request.question, citations: [] });
  yield { type: 'conversation', conversation, question };

  const hits = deps.retrieve(request.question, passagesPerAnswer);
  const citations: Citation[] = [];
  let content = '';
  const write = function* (text: string): Generator<AnswerEvent> {
    for (const piece of pieces(text)) {
      if (signal?.aborted) throw new HearthError('CANCELLED', 'The answer was cancelled.');
      content += piece;
      yield { type: 'delta', text: piece };
    }
  };

  if (hits.length === 0) {
    yield* write('Nothing in this space’s documents matches the question. Try other words, or add documents that cover it.');
  } else {
    yield* write('No language model is configured, so here are the passages that best match the question:\n\n');
    for (const [i, hit] of hits.entries()) {
      citations.push(hit.citation);
      yield { type: 'citation', index: i + 1, citation: hit.citation };
      const where = [hit.citation.documentName, ...hit.citation.headingPath].join(' › ');
      yield* write(`[${i + 1}] ${where}\n${quote(hit.text)}\n\n`);
    }
  }
  return deps.conversations.append(conversation.id, { role: 'assistant', content: content.trimEnd(), citations });
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
