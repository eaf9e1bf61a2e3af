/**
 * Reports built without a language model: the sentences of the best passages, each citing the passage it was
 * taken from. Only Summary and Report can be made this way; the object is checked against the template like a
 * model's, and the report says it is extractive wherever it is shown.
 */
import type { Evidence, Report, Summary } from '../../../schemas/index.js';

/** Sentences of a passage a key point or claim is made of. */
const sentencesPerPoint = 2;
const claimsPerPassage = 3;

export function extractiveSummary(evidence: readonly Evidence[], request: string): Summary {
  const seen = new Set<string>();
  const keyPoints = evidence.slice(0, 15).flatMap((passage) => {
    const text = clip(sentencesOf(passage.text).slice(0, sentencesPerPoint).join(' '), 800);
    if (text === '' || seen.has(text)) return [];
    seen.add(text);
    return [{ text, citations: [passage.number] }];
  });
  return { title: clip(`Summary: ${request}`, 200), keyPoints };
}

export function extractiveReport(evidence: readonly Evidence[], request: string): Report {
  // One section per document part (document › first heading), in the order the passages ranked.
  const sections = new Map<string, Report['sections'][number]>();
  for (const passage of evidence) {
    const heading = clip([passage.citation.documentName, ...passage.citation.headingPath.slice(0, 1)].join(' › '), 200);
    const section = sections.get(heading) ?? { heading, claims: [] };
    for (const sentence of sentencesOf(passage.text).slice(0, claimsPerPassage)) {
      if (section.claims.length < 20) section.claims.push({ text: clip(sentence, 1200), citations: [passage.number] });
    }
    if (section.claims.length > 0 && sections.size < 12) sections.set(heading, section);
  }
  const documents = [...new Set(evidence.map((passage) => passage.citation.documentName))];
  return {
    title: clip(request, 200),
    summary: clip(
      `Built from the documents alone, without a language model: the sentences of the ${evidence.length} passages that best match the request, from ${documents.join(', ')}. Each claim quotes its passage.`,
      2000,
    ),
    sections: [...sections.values()],
  };
}

/**
 * A passage's sentences, without Markdown's headings, list marks and table rules. A passage that has no
 * sentence (a heading, a table) gives its text as one.
 */
export function sentencesOf(text: string): string[] {
  const prose = text
    .split('\n')
    .filter((line) => !/^\s*#{1,6}\s/.test(line) && !/^\s*\|?\s*:?-{3,}/.test(line))
    .map((line) => line.replace(/^\s*([-*+]|\d+[.)])\s+/, '').replace(/\|/g, ' '))
    .join(' ')
    .replace(/[*_`]+/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  const sentences = (prose.match(/[^.!?…]+(?:[.!?…]+["»”)]?|$)/g) ?? []).map((sentence) => sentence.trim()).filter((sentence) => sentence.split(' ').length >= 3);
  return sentences.length > 0 ? sentences : prose === '' ? [] : [prose];
}

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1).trimEnd()}…` : text);
