/**
 * A document's whole normalized text with the cited range [start, end) marked and scrolled into view. An empty
 * range (a passage no longer in the document) marks nothing and shows the document from the top.
 */
import { useEffect, useRef } from 'react';

export function CitedText({ text, start, end }: { text: string; start: number; end: number }) {
  const body = useRef<HTMLDivElement>(null);
  const mark = useRef<HTMLElement>(null);
  const from = Math.min(start, text.length);
  const to = Math.min(Math.max(end, from), text.length);
  const marked = to > from;

  useEffect(() => {
    if (marked) mark.current?.scrollIntoView({ block: 'center' });
    else body.current?.parentElement?.scrollTo({ top: 0 }); // the panel scrolls; the panel may still sit where a previous passage was
  }, [text, from, to, marked]);

  return (
    <div className="document-text" data-testid="citation-text" ref={body}>
      {text.slice(0, from)}
      {marked && (
        <mark ref={mark} data-testid="citation-mark">
          {text.slice(from, to)}
        </mark>
      )}
      {text.slice(to)}
    </div>
  );
}
