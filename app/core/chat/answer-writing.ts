/**
 * How a cited answer is written, shared by `chat.ask` and the Research agent: the passages announced as
 * numbered citations, a model's reply streamed into the answer, or — with no model — the best passages
 * quoted, streamed the same way in pieces of a few words.
 */
import { HearthError, type AnswerEvent, type Citation, type RetrievalHit } from '../../../schemas/index.js';
import type { ChatMessage, ChatModel } from '../models/index.js';

/** An answer as it is written: its text so far and the passages it cites (`[n]` ↔ `citations[n-1]`). */
export interface AnswerDraft {
  content: string;
  citations: Citation[];
}

/** What the events of an answer are: a citation, a piece of text. */
export type AnswerWritingEvent = Extract<AnswerEvent, { type: 'citation' | 'delta' }>;

/** The system prompt of an answer written from numbered passages. */
export const answerInstructions =
  'You answer questions from the user’s own documents. Use only the numbered passages given with the question. ' +
  'After each claim, cite its passage as [n]. If the passages do not contain the answer, say so plainly. ' +
  'Answer in the language of the question.';

/** Words per streamed delta of an extractive answer. */
const wordsPerDelta = 6;

/** Numbers the passages as the answer's citations, in order, announcing each. */
export function* citePassages(hits: readonly RetrievalHit[], answer: AnswerDraft): Generator<AnswerWritingEvent> {
  for (const hit of hits) {
    answer.citations.push(hit.citation);
    yield { type: 'citation', index: answer.citations.length, citation: hit.citation };
  }
}

/** Streams a model's reply into the answer. */
export async function* streamAnswer(model: ChatModel, messages: ChatMessage[], answer: AnswerDraft, signal?: AbortSignal): AsyncGenerator<AnswerWritingEvent> {
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

/** The answer with no model: the passages quoted, each cited, and why no model wrote it. */
export function* extractiveAnswer(
  hits: readonly RetrievalHit[],
  answer: AnswerDraft,
  options: { signal?: AbortSignal | undefined; modelProblem?: string | undefined; narrowed?: boolean | undefined },
): Generator<AnswerWritingEvent> {
  const write = function* (text: string): Generator<AnswerWritingEvent> {
    for (const piece of pieces(text)) {
      if (options.signal?.aborted) throw new HearthError('CANCELLED', 'The answer was cancelled.');
      answer.content += piece;
      yield { type: 'delta', text: piece };
    }
  };
  if (options.modelProblem) yield* write(`The language model could not start (${options.modelProblem}), so this answer quotes the documents instead.\n\n`);
  if (hits.length === 0) {
    yield* write(
      options.narrowed
        ? 'Nothing in the filtered documents matches the question. Try other words, or widen the filter to the whole space.'
        : 'Nothing in this space’s documents matches the question. Try other words, or add documents that cover it.',
    );
    return;
  }
  if (!options.modelProblem) yield* write('No language model is configured, so here are the passages that best match the question:\n\n');
  for (const hit of hits) {
    yield* citePassages([hit], answer);
    const where = [hit.citation.documentName, ...hit.citation.headingPath].join(' › ');
    yield* write(`[${answer.citations.length}] ${where}\n${quote(hit.text)}\n\n`);
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
