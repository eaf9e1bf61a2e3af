/** The question box: Enter asks, Shift+Enter adds a line; `/plan`, `/report`, `/ask` or an `@agent` pick the agent. */
import { useState, type FormEvent, type KeyboardEvent } from 'react';
import { askAgents } from '../../state/agent-actions.js';
import { isFinished } from '../../state/agent-run.js';
import { useAgentsStore } from '../../state/agents-store.js';
import { useAppStore } from '../../state/app-store.js';
import { useChatStore } from '../../state/chat-store.js';
import { askScopeOf, useLibraryStore } from '../../state/library-store.js';
import { useSpacesStore } from '../../state/spaces-store.js';

export function QuestionForm() {
  const [question, setQuestion] = useState('');
  const answering = useAgentsStore((state) => state.live !== null && !isFinished(state.live) && state.live.error === undefined);
  // A run waiting for an approval or an answer is waiting on the user, not working: the card in the chat says what for.
  const waitingForYou = useAgentsStore((state) => state.live?.state === 'waiting');
  const hasSpace = useSpacesStore((state) => state.currentSpaceId !== null);
  const connected = useAppStore((state) => state.connection === 'ready');
  // "Only the filtered documents" with a filter no search can express (AskScope says why): nothing to ask yet.
  const onlyFiltered = useChatStore((state) => state.onlyFiltered);
  const inexpressible = useLibraryStore((state) => askScopeOf(state).kind === 'inexpressible');
  const filteredCount = useLibraryStore((state) => {
    const scope = askScopeOf(state);
    return scope.kind === 'filtered' ? scope.count : null;
  });
  const scopeBlocked = onlyFiltered && inexpressible;
  const canAsk = hasSpace && connected && !answering && !scopeBlocked && question.trim() !== '';

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!canAsk) return;
    askAgents(question.trim());
    setQuestion('');
  };
  const keyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      event.currentTarget.form?.requestSubmit();
    }
  };

  return (
    <form className="question-form" onSubmit={submit}>
      <label htmlFor="question" className="visually-hidden">
        Question
      </label>
      <textarea
        id="question"
        data-testid="question-input"
        rows={2}
        placeholder={
          onlyFiltered && filteredCount !== null
            ? `Ask a question about the ${filteredCount} filtered ${filteredCount === 1 ? 'document' : 'documents'}…`
            : 'Ask about the documents in this space, or /plan, /report…'
        }
        value={question}
        maxLength={8000}
        onChange={(event) => setQuestion(event.target.value)}
        onKeyDown={keyDown}
      />
      <button type="submit" className="button button--primary" data-testid="ask-button" disabled={!canAsk}>
        {waitingForYou ? 'Waiting for you…' : answering ? 'Answering…' : 'Ask'}
      </button>
    </form>
  );
}
