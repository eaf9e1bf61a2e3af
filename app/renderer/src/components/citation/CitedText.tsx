/** A document's whole normalized text with the cited range [start, end) marked and scrolled into view. */
import { useEffect, useRef } from 'react';

export function CitedText({ text, start, end }: { text: string; start: number; end: number }) {
  const mark = useRef<HTMLElement>(null);
  const from = Math.min(start, text.length);
  const to = Math.min(Math.max(end, from), text.length);

  useEffect(() => {
    mark.current?.scrollIntoView({ block: 'center' });
  }, [text, from, to]);

  return (
    <div className="document-text" data-testid="citation-text">
      {text.slice(0, from)}
      <mark ref={mark} data-testid="citation-mark">
        {text.slice(from, to)}
      </mark>
      {text.slice(to)}
    </div>
  );
}
