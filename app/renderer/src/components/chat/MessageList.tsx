/** The conversation so far, with the answer still streaming in at the end; screen readers hear it arrive. */
import { useEffect, useRef } from 'react';
import { useChatStore } from '../../state/chat-store.js';
import { isPreparing, usePreparationStore } from '../../state/preparation-store.js';
import { useSpacesStore } from '../../state/spaces-store.js';
import { AssistantMessage } from './AssistantMessage.js';

export function MessageList() {
  const messages = useChatStore((state) => state.messages);
  const pending = useChatStore((state) => state.pending);
  const loading = useChatStore((state) => state.loadingHistory);
  const spaceId = useSpacesStore((state) => state.currentSpaceId);
  const searchNotReady = usePreparationStore((state) => spaceId !== null && isPreparing(state.bySpace[spaceId]));
  const list = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const element = list.current;
    if (element) element.scrollTop = element.scrollHeight;
  }, [messages, pending]);

  const streaming = pending !== null && pending.error === null;
  return (
    <div className="messages" ref={list} role="log" aria-live="polite" aria-busy={streaming} aria-label="Conversation">
      {loading && <p className="muted">Loading the conversation…</p>}
      {!loading && messages.length === 0 && pending === null && (
        <p className="messages__empty muted">Ask a question; the answer cites the passages it comes from.</p>
      )}
      {messages.map((message) =>
        message.role === 'user' ? (
          <UserMessage key={message.id} text={message.content} />
        ) : (
          <AssistantMessage key={message.id} text={message.content} citations={message.citations} notices={message.notices} />
        ),
      )}
      {pending && (
        <>
          {pending.question !== null && <UserMessage text={pending.question} />}
          <AssistantMessage
            text={pending.text}
            citations={pending.citations}
            notices={pending.notices}
            streaming={streaming}
            waitingForSearch={searchNotReady}
            error={pending.error}
          />
        </>
      )}
    </div>
  );
}

function UserMessage({ text }: { text: string }) {
  return (
    <div className="message message--user" data-testid="user-message">
      {text}
    </div>
  );
}
