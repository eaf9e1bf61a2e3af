/**
 * The Guard's check after an answer or report is written: each cited sentence against the passages it cites.
 * Three judges, best first: a language model held to `supported | partial | unsupported` by a schema; the
 * cross-encoder's relevance score (a sigmoid, with thresholds calibrated by `npm run bench:verify`); and, with
 * no model at all, how many of the claim's content words (stemmed, English and Russian) the passages hold,
 * with numbers and negations that must agree. A judge that fails on a claim hands it to the next one.
 */
import { z } from 'zod';
import { HearthError, type ClaimVerdict } from '../../../../schemas/index.js';
import { evidenceBlock, passagesAreData } from '../../citations/index.js';
import type { ChatModel, Reranker } from '../../models/index.js';
import { defaultTextAnalyzer } from '../../retrieval/index.js';
import { generateStructured } from '../../sgr/index.js';
import { citedSentences, type CitedSentence } from './claim-split.js';

export interface JudgedPassage {
  number: number;
  text: string;
}

export interface VerifyDeps {
  judge?: ChatModel | undefined;
  reranker?: Reranker | undefined;
  signal?: AbortSignal | undefined;
}

type Verdict = ClaimVerdict['verdict'];

/**
 * The cross-encoder's thresholds on sigmoid(score): at or above `supported` a claim is supported, at or above
 * `partial` partly. A real MS MARCO cross-encoder gives a relevant pair a logit well above 0 (sigmoid > 0.7)
 * and an unrelated one far below; see docs/benchmarks.md for the figures these were set by.
 */
export const crossEncoderThresholds = { supported: 0.7, partial: 0.4 } as const;
/** Word overlap's thresholds on the share of the claim's content words the passages hold. */
export const overlapThresholds = { supported: 0.7, partial: 0.45 } as const;

const JudgeVerdict = z.object({
  verdict: z.enum(['supported', 'partial', 'unsupported']).describe('supported: the passages say it; partial: they say part of it; unsupported: they do not say it, or say otherwise'),
});
const judgeScores: Record<Verdict, number> = { supported: 1, partial: 0.5, unsupported: 0 };

const judgeInstructions = [
  'You check one claim of an answer against the passages it cites.',
  passagesAreData,
  'Say "supported" when the passages state the claim (in any words), "partial" when they state only part of it, and "unsupported" when they do not state it or state something else (another number, date, name, or the opposite).',
].join('\n');

/** Every cited sentence of `text`, judged against the passages it cites (in the order they are written). */
export async function verifyClaims(text: string, passages: readonly JudgedPassage[], deps: VerifyDeps = {}): Promise<ClaimVerdict[]> {
  const byNumber = new Map(passages.map((passage) => [passage.number, passage]));
  const verdicts: ClaimVerdict[] = [];
  for (const sentence of citedSentences(text)) {
    if (deps.signal?.aborted) throw new HearthError('CANCELLED', 'Checking the answer’s citations was cancelled.');
    const cited = sentence.citations.flatMap((n) => byNumber.get(n) ?? []);
    verdicts.push(await judged(sentence, cited, deps));
  }
  return verdicts;
}

/**
 * Statements already split, each with the passages it cites (a report's points and table rows): judged as
 * `verifyClaims` judges sentences, offsets within each statement's own text.
 */
export async function verifyStatements(statements: readonly { claim: string; citations: number[] }[], passages: readonly JudgedPassage[], deps: VerifyDeps = {}): Promise<ClaimVerdict[]> {
  const byNumber = new Map(passages.map((passage) => [passage.number, passage]));
  const verdicts: ClaimVerdict[] = [];
  for (const statement of statements) {
    if (deps.signal?.aborted) throw new HearthError('CANCELLED', 'Checking the report’s citations was cancelled.');
    const sentence: CitedSentence = { sentence: statement.claim, claim: statement.claim, start: 0, end: statement.claim.length, citations: statement.citations };
    verdicts.push(await judged(sentence, statement.citations.flatMap((n) => byNumber.get(n) ?? []), deps));
  }
  return verdicts;
}

async function judged(sentence: CitedSentence, cited: JudgedPassage[], deps: VerifyDeps): Promise<ClaimVerdict> {
  const base = { claim: sentence.sentence, start: sentence.start, end: sentence.end, citations: sentence.citations };
  const method = deps.judge ? 'llm' : deps.reranker ? 'cross-encoder' : 'overlap';
  // A number outside the passages given cites nothing the reader can check.
  if (cited.length === 0) return { ...base, verdict: 'unsupported', method, score: 0 };
  if (deps.judge) {
    const verdict = await byModel(sentence.claim, cited, deps.judge, deps.signal).catch(fallBack);
    if (verdict) return { ...base, verdict, method: 'llm', score: judgeScores[verdict] };
  }
  if (deps.reranker) {
    const score = await byCrossEncoder(sentence.claim, cited, deps.reranker, deps.signal).catch(fallBack);
    if (score !== undefined) return { ...base, ...graded(score, crossEncoderThresholds), method: 'cross-encoder' };
  }
  return { ...base, ...graded(overlapScore(sentence.claim, cited.map((passage) => passage.text)), overlapThresholds), method: 'overlap' };
}

/** A judge that cannot answer (its output never validated, the model crashed) leaves the claim to the next; cancelling stops all. */
function fallBack(error: unknown): undefined {
  if (error instanceof HearthError && error.code === 'CANCELLED') throw error;
  return undefined;
}

async function byModel(claim: string, cited: JudgedPassage[], model: ChatModel, signal: AbortSignal | undefined): Promise<Verdict> {
  const result = await generateStructured({
    model,
    schema: { zod: JudgeVerdict, name: 'claim_verdict' },
    system: judgeInstructions,
    messages: [{ role: 'user', content: `${evidenceBlock(cited)}\n\nClaim: ${claim}` }],
    maxRepairs: 1,
    maxTokens: 64,
    temperature: 0,
    ...(signal ? { signal } : {}),
  });
  return result.value.verdict;
}

/** The best-supporting passage's score, squashed to 0..1. */
async function byCrossEncoder(claim: string, cited: JudgedPassage[], reranker: Reranker, signal: AbortSignal | undefined): Promise<number> {
  const scores = await reranker.rerank(claim, cited.map((passage) => passage.text), signal ? { signal } : {});
  return sigmoid(Math.max(...scores));
}

export const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

function graded(score: number, thresholds: { supported: number; partial: number }): { verdict: Verdict; score: number } {
  const clamped = Math.min(1, Math.max(0, Number.isFinite(score) ? score : 0));
  const verdict: Verdict = clamped >= thresholds.supported ? 'supported' : clamped >= thresholds.partial ? 'partial' : 'unsupported';
  return { verdict, score: clamped };
}

const negations = /(?<![\p{L}])(not|no|never|none|nor|without|cannot|can't|won't|isn't|aren't|doesn't|don't|didn't|не|нет|никогда|ни|без|нельзя)(?![\p{L}])/giu;
const numberPattern = /\d+(?:[.,]\d+)?/g;
/** Stems of this length or more match a passage's word that starts the same way (pay ↔ payment, срок ↔ сроки). */
const prefixLength = 5;

/**
 * The share (0..1) of the claim's distinct content words the passages hold, stemmed, a word matching by its
 * first letters too (derivations and Russian endings the stemmer leaves apart). A number the claim states that
 * no passage does, or a negation only one side has (the claim, or the passage sentence closest to it), halves it: that is how a contradiction usually reads.
 */
export function overlapScore(claim: string, passages: readonly string[]): number {
  const terms = [...new Set(defaultTextAnalyzer.terms(claim))];
  if (terms.length === 0) return 0;
  const passageText = passages.join('\n');
  const held = new Set(defaultTextAnalyzer.terms(passageText));
  const prefixes = new Set([...held].filter((term) => term.length >= prefixLength).map((term) => term.slice(0, prefixLength)));
  const matched = terms.filter((term) => held.has(term) || (term.length >= prefixLength && prefixes.has(term.slice(0, prefixLength))));
  let score = matched.length / terms.length;
  const passageNumbers = new Set(numbersIn(passageText));
  if (numbersIn(claim).some((n) => !passageNumbers.has(n))) score /= 2;
  if (negated(claim) !== negated(closestSentence(terms, passageText))) score /= 2;
  return score;
}

/** The passage sentence sharing most of the claim's words: where a "not" on one side only means a contradiction. */
function closestSentence(claimTerms: readonly string[], passageText: string): string {
  let best = '';
  let bestShared = -1;
  for (const sentence of passageText.split(/(?<=[.!?;…])\s+|\n+/)) {
    const terms = new Set(defaultTextAnalyzer.terms(sentence));
    const shared = claimTerms.filter((term) => terms.has(term)).length;
    if (shared > bestShared) [best, bestShared] = [sentence, shared];
  }
  return best;
}

const numbersIn = (text: string) => [...text.matchAll(numberPattern)].map((match) => match[0].replace(',', '.'));
/** Bounds said with a negation ("no later than", "не позднее") state a limit, not the opposite. */
const bounds = /(?<![\p{L}])(no|not) (later|earlier|more|less|fewer|sooner) than|(?<![\p{L}])не (позднее|позже|ранее|раньше|более|менее|больше|меньше)(?![\p{L}])/giu;
const negated = (text: string) => new RegExp(negations.source, negations.flags).test(text.replace(bounds, ' '));
