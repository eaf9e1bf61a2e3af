/** The agent needs something only the user can say: its question and a box for the answer. */
import { useState, type FormEvent } from 'react';
import { answerWait } from '../../state/agent-actions.js';
import type { ReplyWork } from '../../state/agent-run.js';
import { ReplyError } from './ReplyError.js';

export function InputCard({ question, reply }: { question: string; reply: ReplyWork | null }) {
  const [text, setText] = useState('');
  const sending = reply?.status === 'sending';
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (text.trim() === '' || sending) return;
    void answerWait({ kind: 'input', text: text.trim() });
  };
  return (
    <form className="wait-card wait-card--input" data-testid="input-card" onSubmit={submit}>
      <h4 className="wait-card__title">The agent asks</h4>
      <p className="wait-card__reason">{question}</p>
      <textarea className="wait-card__editor" data-testid="input-card-text" rows={2} maxLength={8000} value={text} onChange={(event) => setText(event.target.value)} aria-label="Your answer" />
      <div className="wait-card__actions">
        <button type="submit" className="button button--primary button--small" data-testid="input-card-send" disabled={sending || text.trim() === ''}>
          Answer
        </button>
      </div>
      <ReplyError reply={reply} />
    </form>
  );
}
