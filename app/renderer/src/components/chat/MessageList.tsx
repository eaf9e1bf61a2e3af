/** The conversation so far, with the agents' live run at the end; screen readers hear it arrive. */
import { useEffect, useRef } from 'react';
import type { Message } from '../../../../../schemas/index.js';
import { isFinished } from '../../state/agent-run.js';
import { useAgentsStore } from '../../state/agents-store.js';
import { useChatStore } from '../../state/chat-store.js';
import { doubtfulClaims } from '../agents/claim-marks.js';
import { LiveRun } from '../agents/LiveRun.js';
import { StoredRunHeader } from '../agents/StoredRunHeader.js';
import { TraceButton } from '../agents/TraceButton.js';
import { AssistantMessage } from './AssistantMessage.js';
import { UserMessage } from './UserMessage.js';

export function MessageList() {
  const messages = useChatStore((state) => state.messages);
  const live = useAgentsStore((state) => state.live);
  const loading = useChatStore((state) => state.loadingHistory);
  const list = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const element = list.current;
    if (element) element.scrollTop = element.scrollHeight;
  }, [messages, live]);

  const busy = live !== null && !isFinished(live) && live.error === undefined;
  const lastAssistant = messages.findLast((message) => message.role === 'assistant')?.id;
  return (
    <div className="messages" ref={list} role="log" aria-live="polite" aria-busy={busy} aria-label="Conversation">
      {loading && <p className="muted">Loading the conversation…</p>}
      {!loading && messages.length === 0 && live === null && (
        <p className="messages__empty muted">Ask a question; the answer cites the passages it comes from.</p>
      )}
      {messages.map((message, position) =>
        message.role === 'user' ? (
          <UserMessage key={message.id} text={message.content} />
        ) : (
          <StoredAnswer key={message.id} message={message} request={questionBefore(messages, position)} latest={message.id === lastAssistant && live === null} />
        ),
      )}
      {live && <LiveRun run={live} storedQuestion={live.pickedUp ? unanswered(messages) : undefined} />}
    </div>
  );
}

function StoredAnswer({ message, request, latest }: { message: Message; request: string | undefined; latest: boolean }) {
  return (
    <AssistantMessage
      text={message.content}
      citations={message.citations}
      notices={message.notices}
      doubtful={doubtfulClaims(message.claims)}
      header={<StoredRunHeader message={message} {...(request !== undefined ? { request } : {})} latest={latest} />}
      footer={<TraceButton traceId={message.traceId} />}
    />
  );
}

/** A question the conversation ends with, no answer after it: the live run's, when the run was picked up after a reload. */
function unanswered(messages: readonly Message[]): string | undefined {
  const last = messages.at(-1);
  return last?.role === 'user' ? last.content : undefined;
}

function questionBefore(messages: readonly Message[], position: number): string | undefined {
  for (let i = position - 1; i >= 0; i--) if (messages[i]!.role === 'user') return messages[i]!.content;
  return undefined;
}
