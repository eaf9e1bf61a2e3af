/** The middle column: the conversation with the documents, and the question box. */
import { startNewConversation } from '../../state/actions.js';
import { useAgentsStore } from '../../state/agents-store.js';
import { useChatStore } from '../../state/chat-store.js';
import { AnswerWaitNotice } from './AnswerWaitNotice.js';
import { AskScope } from './AskScope.js';
import { MessageList } from './MessageList.js';
import { QuestionForm } from './QuestionForm.js';

export function ChatColumn() {
  const hasMessages = useChatStore((state) => state.messages.length > 0);
  const hasRun = useAgentsStore((state) => state.live !== null);
  const hasConversation = hasMessages || hasRun;
  return (
    <section className="column chat" aria-labelledby="chat-title">
      <div className="chat__head">
        <h2 id="chat-title" className="column__title">
          Ask your documents
        </h2>
        <button
          type="button"
          className="button button--quiet button--small"
          data-testid="new-conversation"
          disabled={!hasConversation}
          onClick={startNewConversation}
        >
          New conversation
        </button>
      </div>
      <MessageList />
      <AskScope />
      <AnswerWaitNotice />
      <QuestionForm />
    </section>
  );
}
