/** The chat methods of the contract: a space's conversations, their messages, and questions answered with citations. */
import type { Lease } from '../lifecycle.js';
import type { ChatModel, ModelRuntime } from '../models/index.js';
import type { SpaceIndexes } from '../retrieval/index.js';
import type { Telemetry } from '../telemetry/index.js';
import type { SomeHandlers } from '../rpc/index.js';
import { askQuestion } from './ask.js';
import type { Conversations } from './conversations.js';

export interface ChatHandlersDeps {
  conversations: Conversations;
  indexes: SpaceIndexes;
  models: ModelRuntime;
  /** Each answer is traced here when given. */
  telemetry?: Telemetry | undefined;
}

export function chatHandlers({ conversations, indexes, models, telemetry }: ChatHandlersDeps): SomeHandlers<'conversations.list' | 'conversations.messages' | 'chat.ask'> {
  return {
    'conversations.list': async ({ spaceId }) => conversations.list(spaceId),
    'conversations.messages': async ({ conversationId }) => conversations.messages(conversationId),
    /**
     * Answers from the space's documents; a filter narrows the passages to the documents it lets through. The
     * language model is leased for the whole answer, so switching models meanwhile lets this answer finish.
     */
    'chat.ask': async function* ({ filter, ...question }, { caller, signal }) {
      // The question is stored once the space is ready to be searched, not before.
      await (await indexes.open(question.spaceId, caller)).release();
      let lease: Lease<ChatModel> | undefined;
      const deps = {
        conversations,
        retrieve: (query: string, limit: number) => indexes.search(caller, { spaceId: question.spaceId, query, limit, filter }, signal),
        chatModel: async () => (lease = await models.leaseChatModel())?.value,
        telemetry,
      };
      const narrowed = filter !== undefined && Object.values(filter).some((value) => value !== undefined);
      try {
        return yield* askQuestion(deps, { ...question, narrowed }, signal);
      } finally {
        await lease?.release();
      }
    },
  };
}
