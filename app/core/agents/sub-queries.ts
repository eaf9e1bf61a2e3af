/**
 * A comparative or multi-part question as the searches it needs: "what changed between the 2023 and the 2024
 * policy, and who must act by when?" is several retrievals, one per thing compared or part asked, so every
 * document the answer needs is found. With a language model the split is its own (a JSON list held to a
 * schema); without one — or when a question does not look like several — it is split by the words that join
 * its parts, in English and Russian.
 */
import { z } from 'zod';
import { HearthError } from '../../../schemas/index.js';
import type { ChatModel } from '../models/index.js';
import { generateStructured } from '../sgr/index.js';

/** The most searches one question becomes. */
export const maxSubQueries = 4;
/** A part shorter than this many words is not a question of its own ("and when?"). */
const minPartWords = 3;

// Russian words from their start to their end: "обе" is inside "обеспечить", "оба" ends "особа".
const comparison =
  /\b(compar\w*|differ\w*|changed?|changes|between|versus|vs\.?|both|each of)\b|(?<!\p{L})(сравн\p{L}*|разниц\p{L}*|отлич\p{L}*|измен\p{L}*|между|оба|обе|каждо\p{L}*)(?!\p{L})/iu;
const between = [
  /\b(?:between|compare|comparing)\s+(.+?)\s+(?:and|with|to|vs\.?|versus)\s+(.+?)(?=[?!;]|,\s*(?:and|or)\b|$)/i,
  /(?:между|сравни\p{L}*)\s+(.+?)\s+(?:и|с|со)\s+(.+?)(?=[?!;]|,\s*(?:и|а)\s|$)/iu,
  /(?:отлича\p{L}*|отличи\p{L}*)\s+(.+?)\s+от\s+(.+?)(?=[?!;]|$)/iu,
  /^(.+?)\s+(?:vs\.?|versus|против)\s+(.+?)(?=[?!;]|$)/iu,
];
const joiners = /\?\s+|;\s+|\s+and\s+(?=(?:what|who|when|where|how|which|why)\s)|\s+и\s+(?=(?:что|кто|когда|где|как|какой|какие|почему)\s)|,\s+(?:and|but|also|as well as)\s+|\s+and also\s+|\s+as well as\s+|,\s+(?:а также|и ещё|и еще|а|и)\s+|\s+а также\s+/iu;

/** Whether a question may need more than one search (the model is only asked to split those). */
export function looksMultiPart(question: string): boolean {
  return comparison.test(question) || splitByWords(question).length > 1;
}

/** The searches a question needs, without a model. One search for a plain question. */
export function splitByWords(question: string): string[] {
  const text = question.replace(/\s+/g, ' ').trim();
  const parts: string[] = [];
  for (const clause of text.split(joiners)) {
    const compared = compare(clause);
    parts.push(...(compared ?? [clause]));
  }
  const kept = dedupe(parts.map(clean).filter((part) => words(part) >= minPartWords || (parts.length > 1 && words(part) >= 2 && compareAny(text))));
  return kept.length > 1 ? kept.slice(0, maxSubQueries) : [text];
}

/** "what is the fee difference between A and B?" → ["fee A", "fee B"]: each compared thing with what is asked of it. */
function compare(clause: string): string[] | undefined {
  for (const pattern of between) {
    const match = pattern.exec(clause);
    if (!match) continue;
    const asked = clean(clause.slice(0, match.index).replace(comparison, ' ').replace(/(?<!\p{L})(what|which|how|is|are|was|were|do|does|did|has|have|the|a|что|чем|как|какая|какой|в чём|в чем)(?!\p{L})/giu, ' '));
    const [a, b] = [clean(match[1]!.replace(/^(the|a|an)\s+/i, '')), clean(match[2]!.replace(/^(the|a|an)\s+/i, ''))];
    if (!a || !b) return undefined;
    return [asked ? `${asked} ${a}` : a, asked ? `${asked} ${b}` : b];
  }
  return undefined;
}

const compareAny = (text: string) => between.some((pattern) => pattern.test(text));
const clean = (part: string) => part.replace(/\s+/g, ' ').replace(/^[\s,;:–-]+|[\s,;:–-]+$/g, '').trim();
const words = (part: string) => part.split(/\s+/).filter(Boolean).length;
const dedupe = (parts: string[]) => [...new Map(parts.filter(Boolean).map((part) => [part.toLowerCase(), part])).values()];

const SubQueries = z.object({
  queries: z
    .array(z.string().min(2).max(300))
    .min(1)
    .max(maxSubQueries)
    .describe('self-contained search queries: one per part of the question or per thing compared; a simple question is one query'),
});

/**
 * The searches a question needs: the model's split when there is a model and the question looks like several,
 * else the split by words. A model that cannot write a valid list leaves it to the words.
 */
export async function subQueriesOf(question: string, model: ChatModel | undefined, signal: AbortSignal): Promise<string[]> {
  if (!looksMultiPart(question)) return [question.trim()];
  if (!model) return splitByWords(question);
  try {
    const result = await generateStructured({
      model,
      schema: { zod: SubQueries, name: 'sub_queries' },
      system:
        'You turn a question about the user’s documents into search queries. A question that compares things or asks several things becomes one self-contained query per thing compared or part asked (each names its subject); a simple question stays one query. Write the queries in the language of the question.',
      messages: [{ role: 'user', content: `Question: ${question}` }],
      maxRepairs: 1,
      maxTokens: 200,
      temperature: 0,
      signal,
    });
    const queries = dedupe(result.value.queries.map(clean));
    return queries.length > 0 ? queries : [question.trim()];
  } catch (error) {
    if (error instanceof HearthError && error.code === 'CANCELLED') throw error;
    return splitByWords(question);
  }
}
