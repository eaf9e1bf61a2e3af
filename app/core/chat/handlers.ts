/** The chat methods of the contract: a space's conversations, their messages, and questions answered with citations. */
import type { ModelRuntime } from '../models/index.js';
import type { SpaceIndexes } from '../retrieval/index.js';
import type { SomeHandlers } from '../rpc/index.js';
import { askQuestion } from './ask.js';
import type { Conversations } from './conversations.js';

export interface ChatHandlersDeps {
  conversations: Conversations;
  indexes: SpaceIndexes;
  models: ModelRuntime;
}

export function chatHandlers({ conversations, indexes, models }: ChatHandlersDeps): SomeHandlers<'conversations.list' | 'conversations.messages' | 'chat.ask'> {
  return {
    'conversations.list': async ({ spaceId }) => conversations.list(spaceId),
    'conversations.messages': async ({ conversationId }) => conversations.messages(conversationId),
    /** Answers from the space's documents; a filter narrows the passages to the documents it lets through. */
    'chat.ask': async function* ({ filter, ...question }, { caller, signal }) {
      await indexes.open(question.spaceId);
      const deps = {
        conversations,
        retrieve: (query: string, limit: number) => indexes.search(caller, { spaceId: question.spaceId, query, limit, filter }, signal),
        chatModel: () => models.chatModel(),
      };
      const narrowed = filter !== undefined && Object.values(filter).some((value) => value !== undefined);
      return yield* askQuestion(deps, { ...question, narrowed }, signal);
    },
  };
}
