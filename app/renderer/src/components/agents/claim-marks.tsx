/**
 * Marks the claims of an answer the Guard could not find support for (unsupported, or only partly supported)
 * in the passage they cite; a tooltip says the verdict and how it was judged. Claims are found by their text
 * (the answer's blocks are drawn without the quote marks the offsets count), first at or after their offset.
 */
import { Fragment, type ReactNode } from 'react';
import type { ClaimVerdict } from '../../../../../schemas/index.js';

const METHOD: Record<ClaimVerdict['method'], string> = { llm: 'a judge model', 'cross-encoder': 'the cross-encoder', overlap: 'word overlap (no model)' };

/** The claims worth marking: those not plainly supported. */
export function doubtfulClaims(claims: readonly ClaimVerdict[] | undefined): ClaimVerdict[] {
  return (claims ?? []).filter((claim) => claim.verdict !== 'supported');
}

export function verdictText(claim: ClaimVerdict): string {
  const verdict = claim.verdict === 'unsupported' ? 'Not supported by its source' : 'Only partly supported by its source';
  return `${verdict} — judged by ${METHOD[claim.method]}, score ${claim.score.toFixed(2)}`;
}

/** `text` cut where doubtful claims start and end, the plain parts drawn by `draw` (citation chips) and the claims marked. */
export function withClaimMarks(text: string, claims: readonly ClaimVerdict[], draw: (part: string) => ReactNode[]): ReactNode[] {
  const spans: Array<{ start: number; end: number; claim: ClaimVerdict }> = [];
  for (const claim of claims) {
    const sentence = claim.claim.trim();
    if (sentence === '') continue;
    const start = text.indexOf(sentence);
    if (start < 0 || spans.some((span) => start < span.end && start + sentence.length > span.start)) continue;
    spans.push({ start, end: start + sentence.length, claim });
  }
  if (spans.length === 0) return draw(text);
  spans.sort((a, b) => a.start - b.start);
  const parts: ReactNode[] = [];
  let at = 0;
  for (const span of spans) {
    // Each part in its own keyed fragment: the chips of different parts have the same keys.
    parts.push(<Fragment key={`text-${at}`}>{draw(text.slice(at, span.start))}</Fragment>);
    parts.push(
      <mark
        key={`claim-${span.start}`}
        className={`claim claim--${span.claim.verdict}`}
        data-testid="claim-mark"
        data-verdict={span.claim.verdict}
        data-method={span.claim.method}
        title={verdictText(span.claim)}
      >
        {draw(text.slice(span.start, span.end))}
      </mark>,
    );
    at = span.end;
  }
  parts.push(<Fragment key={`text-${at}`}>{draw(text.slice(at))}</Fragment>);
  return parts;
}
