/**
 * The cited pages of a PDF as drawn by PDF.js, with the passage's text items highlighted over the canvas
 * and the first highlight scrolled into view. The original file comes from the citation store (fetched once).
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import type { PDFDocumentProxy } from 'pdfjs-dist';
import type { Citation } from '../../../../../schemas/index.js';
import { describe } from '../../state/core-connection.js';
import { useCitationStore } from '../../state/citation-store.js';
import { itemsInPassage } from './passage-match.js';
import type { DrawnPage } from './pdf-page.js';

/** A passage rarely spans more; drawing a long range would bury the highlight. */
const MAX_PAGES = 3;
const PAGE_PADDING = 20;

type Loaded = { status: 'loading' } | { status: 'ready'; pdf: PDFDocumentProxy } | { status: 'failed'; message: string };

export function PdfPages({ citation }: { citation: Citation }) {
  const original = useCitationStore((state) => state.originals[citation.documentId]);
  const bytes = original?.status === 'ready' ? original.bytes : undefined;
  const passage = useCitationStore((state) => {
    const text = state.texts[citation.documentId];
    return text?.status === 'ready' ? text.text.slice(citation.start, citation.end) : citation.snippet;
  });
  const [loaded, setLoaded] = useState<Loaded>({ status: 'loading' });

  useEffect(() => {
    if (!bytes) return;
    let destroy: (() => void) | undefined;
    let cancelled = false;
    setLoaded({ status: 'loading' });
    import('./pdf-page.js')
      .then(({ openPdf }) => {
        if (cancelled) return undefined;
        const task = openPdf(bytes);
        destroy = () => void task.destroy();
        return task.promise;
      })
      .then(
        (pdf) => pdf && !cancelled && setLoaded({ status: 'ready', pdf }),
        (error: unknown) => !cancelled && setLoaded({ status: 'failed', message: describe(error).message }),
      );
    return () => {
      cancelled = true;
      destroy?.();
    };
  }, [bytes]);

  if (!original || original.status === 'loading') return <p className="muted">Loading the PDF…</p>;
  if (original.status === 'failed') {
    return (
      <p className="message__error" role="alert">
        <code>{original.error.code}</code> {original.error.message}
      </p>
    );
  }
  if (loaded.status === 'loading') return <p className="muted">Opening the PDF…</p>;
  if (loaded.status === 'failed') {
    return (
      <p className="message__error" role="alert">
        Could not open the PDF: {loaded.message}
      </p>
    );
  }
  const first = citation.page ?? 1;
  const last = Math.min(citation.pageEnd ?? first, first + MAX_PAGES - 1, loaded.pdf.numPages);
  const pages = Array.from({ length: Math.max(last - first + 1, 0) }, (_, i) => first + i);
  return (
    <div className="pdf-pages" data-testid="citation-pages">
      {pages.map((pageNumber) => (
        <PdfPage key={pageNumber} pdf={loaded.pdf} pageNumber={pageNumber} passage={passage} scrollToHighlight={pageNumber === first} />
      ))}
    </div>
  );
}

interface PageProps {
  pdf: PDFDocumentProxy;
  pageNumber: number;
  passage: string;
  scrollToHighlight: boolean;
}

function PdfPage({ pdf, pageNumber, passage, scrollToHighlight }: PageProps) {
  const frame = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [drawn, setDrawn] = useState<DrawnPage | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const target = canvas.current;
    const width = (frame.current?.parentElement?.clientWidth ?? 400) - 2 * PAGE_PADDING;
    if (!target) return;
    let cancelled = false;
    import('./pdf-page.js')
      .then(({ drawPage }) => drawPage(pdf, pageNumber, target, Math.max(width, 200)))
      .then(
        (page) => !cancelled && setDrawn(page),
        (failure: unknown) => !cancelled && setError(describe(failure).message),
      );
    return () => {
      cancelled = true;
    };
  }, [pdf, pageNumber]);

  const highlighted = useMemo(() => new Set(drawn ? itemsInPassage(drawn.items, passage) : []), [drawn, passage]);

  useEffect(() => {
    if (!scrollToHighlight || highlighted.size === 0) return;
    frame.current?.querySelector('.pdf-page__item--cited')?.scrollIntoView({ block: 'center' });
  }, [highlighted, scrollToHighlight]);

  return (
    <figure className="pdf-page" ref={frame} data-testid="citation-page" data-page={pageNumber}>
      <div className="pdf-page__sheet" style={drawn ? { width: drawn.width, height: drawn.height } : undefined}>
        <canvas ref={canvas} className="pdf-page__canvas" data-testid="citation-page-canvas" />
        {drawn && (
          <div className="pdf-page__text">
            {drawn.items.map((item, index) => (
              <span
                key={index}
                className={highlighted.has(index) ? 'pdf-page__item pdf-page__item--cited' : 'pdf-page__item'}
                data-testid={highlighted.has(index) ? 'citation-page-highlight' : undefined}
                style={{ left: item.left, top: item.top, width: item.width, height: item.height, fontSize: item.height / 1.2 }}
              >
                {item.text}
              </span>
            ))}
          </div>
        )}
      </div>
      <figcaption className="pdf-page__caption">
        Page {pageNumber} of {pdf.numPages}
        {drawn && highlighted.size === 0 && ' — the passage could not be located on the page'}
      </figcaption>
      {error && (
        <p className="message__error" role="alert">
          Could not draw page {pageNumber}: {error}
        </p>
      )}
    </figure>
  );
}
