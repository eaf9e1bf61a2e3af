/**
 * One answer, stored or still streaming in: its text with citation chips (doubtful claims marked), and the list
 * of its sources; an agent run puts its route and steps above it and its trace link below.
 */
import type { ReactNode } from 'react';
import type { Citation, ClaimVerdict, ErrorPayload } from '../../../../../schemas/index.js';
import { AnswerText } from './AnswerText.js';
import { CitationChip } from './CitationChip.js';

interface Props {
  text: string;
  /** The source of marker [n] is at `n - 1`. */
  citations: ReadonlyArray<Citation | undefined>;
  /** What the answer says about how it was made (reranking off, and why). */
  notices?: readonly string[];
  streaming?: boolean;
  /** The space is still being prepared for search, so the answer has not started. */
  waitingForSearch?: boolean;
  error?: ErrorPayload | null;
  /** Claims the Guard found unsupported or partly supported. */
  doubtful?: readonly ClaimVerdict[];
  /** What to say while there is no text yet (instead of "Searching your documents…"). */
  placeholder?: string;
  /** Above the text: which agent answered and what it did. */
  header?: ReactNode;
  /** Below the sources: the trace link. */
  footer?: ReactNode;
}

export function AssistantMessage({ text, citations, notices = [], streaming = false, waitingForSearch = false, error = null, doubtful = [], placeholder, header, footer }: Props) {
  return (
    <article
      className="message message--assistant"
      data-testid="assistant-message"
      data-streaming={streaming ? 'true' : undefined}
    >
      {header}
      {notices.map((notice) => (
        <p key={notice} className="message__notice" data-testid="answer-notice">
          {notice}
        </p>
      ))}
      {text === '' && streaming && (
        <p className="muted">{waitingForSearch ? 'Waiting for search to be ready; the answer starts once it is…' : (placeholder ?? 'Searching your documents…')}</p>
      )}
      {text !== '' && (
        <div className="answer-text">
          <AnswerText
            text={text}
            citations={citations}
            doubtful={doubtful}
            trailing={streaming && <span className="cursor" aria-hidden="true" />}
          />
        </div>
      )}
      {error && (
        <p className="message__error" role="alert">
          <code>{error.code}</code> {error.message}
        </p>
      )}
      <SourceList citations={citations} />
      {footer}
    </article>
  );
}

function SourceList({ citations }: Pick<Props, 'citations'>) {
  const sources = citations.flatMap((citation, position) => (citation ? [{ citation, index: position + 1 }] : []));
  if (sources.length === 0) return null;
  return (
    <div className="sources">
      <h4 className="sources__title">Sources</h4>
      <ol className="sources__list">
        {sources.map(({ citation, index }) => (
          <li key={index}>
            <CitationChip index={index} citation={citation} variant="source" />
          </li>
        ))}
      </ol>
    </div>
  );
}
