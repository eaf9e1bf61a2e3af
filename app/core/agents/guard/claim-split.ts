/**
 * The cited sentences of an answer: where each is (character offsets, so the UI can mark it), what it says
 * without its markers, and the passages it cites (`[2]`, `[1, 3]`, `[1][4]`, `[2–4]`). A marker written after a
 * sentence's full stop ("…in 30 days. [1]") belongs to that sentence. Sentences that cite nothing are not
 * claims the Guard can check, so they are left out, and so are quotes of the passages.
 */

export interface CitedSentence {
  /** The sentence as written in the answer (markers included). */
  sentence: string;
  /** The sentence without its markers or list bullet: what is judged. */
  claim: string;
  start: number;
  end: number;
  citations: number[];
}

const marker = /\[(\d+(?:\s*(?:[,;]|[-–])\s*\d+)*)\]/g;
/** The most passages a range marker like `[1–40]` is read as (a typo should not judge forty passages). */
const maxRange = 12;

export function citedSentences(text: string): CitedSentence[] {
  const sentences: CitedSentence[] = [];
  for (const [start, end] of sentenceSpans(text)) {
    const line = text.slice(text.lastIndexOf('\n', start - 1) + 1);
    // A quoted line is the passage itself, and a line opening with its marker is a quote's source label
    // ("[1] policy.md › Refunds", as an extractive answer writes them): neither is a claim of the answer's.
    if (/^\s*>/.test(line) || /^\s*\[\d+\]/.test(line)) continue;
    const sentence = text.slice(start, end);
    const citations = citationsIn(sentence);
    if (citations.length === 0) continue;
    const claim = sentence
      .replace(marker, ' ')
      .replace(/^\s*(?:[-*•]|\d+[.)])\s+/, '')
      .replace(/\s+([.,;:!?])/g, '$1')
      .replace(/\s+/g, ' ')
      .trim();
    if (claim.replace(/[\p{P}\s]/gu, '') === '') continue;
    sentences.push({ sentence, claim, start, end, citations });
  }
  return sentences;
}

/** The passage numbers a text's markers cite, each once, in order of first mention. */
export function citationsIn(text: string): number[] {
  const numbers: number[] = [];
  const add = (n: number) => {
    if (n > 0 && !numbers.includes(n)) numbers.push(n);
  };
  for (const match of text.matchAll(marker)) {
    for (const part of match[1]!.split(/\s*[,;]\s*/)) {
      const range = /^(\d+)\s*[-–]\s*(\d+)$/.exec(part);
      if (!range) {
        add(Number(part));
        continue;
      }
      const [from, to] = [Number(range[1]), Number(range[2])];
      for (let n = from; n <= to && n < from + maxRange; n++) add(n);
    }
  }
  return numbers;
}

/**
 * Sentence spans, trimmed: a sentence ends at a line break, or at `.`, `!`, `?`, `…` followed by space (a
 * decimal point or "e.g." inside a word does not end one), with any markers right after it kept in it.
 */
function sentenceSpans(text: string): [number, number][] {
  const spans: [number, number][] = [];
  const boundary = /(?:[.!?…]+["»”')]*(?:[ \t]*\[\d+(?:\s*(?:[,;]|[-–])\s*\d+)*\])*(?=\s|$))|\n/g;
  let from = 0;
  for (const match of text.matchAll(boundary)) {
    const end = match[0] === '\n' ? match.index : match.index + match[0].length;
    push(spans, text, from, end);
    from = match.index + match[0].length;
  }
  push(spans, text, from, text.length);
  return spans;
}

function push(spans: [number, number][], text: string, from: number, to: number): void {
  let start = from;
  let end = to;
  while (start < end && /\s/.test(text[start]!)) start++;
  while (end > start && /\s/.test(text[end - 1]!)) end--;
  if (end > start) spans.push([start, end]);
}
