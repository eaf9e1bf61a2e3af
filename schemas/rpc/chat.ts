/** Chat: conversations in a space, and questions answered from its documents with citations. */
import { z } from 'zod';
import { Citation, Conversation, Id, Message } from '../domain.js';
import { SearchFilter } from './search.js';
import { call, inSpace, stream } from './spec.js';

export const AnswerEvent = z.discriminatedUnion('type', [
  /** The conversation the answer is stored in (sent first, so the UI can follow it). */
  z.object({ type: z.literal('conversation'), conversation: Conversation, question: Message }),
  z.object({ type: z.literal('citation'), index: z.number().int().positive(), citation: Citation }),
  z.object({ type: z.literal('delta'), text: z.string() }),
  /** Something the answer should say about how it was made (reranking off, and why); stored with it as `notices`. */
  z.object({ type: z.literal('notice'), text: z.string() }),
]);
export type AnswerEvent = z.infer<typeof AnswerEvent>;

export const chatMethods = {
  'conversations.list': call(z.object({ spaceId: Id }), z.array(Conversation), inSpace('viewer')),
  'conversations.messages': call(z.object({ conversationId: Id }), z.array(Message), inSpace('viewer', { conversation: 'conversationId' })),
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
    inSpace('viewer'),
  ),
} as const;
