/**
 * A report's evidence: the passages retrieved for its request (within the caller's spaces, narrowed to the
 * report's space and filter), numbered from 1 as claims cite them, and how they are shown to a model — as
 * quoted data, each in its own marked block, never as instructions.
 */
import type { Evidence, RetrievalHit } from '../../../schemas/index.js';
import { evidenceBlock, passagesAreData } from '../citations/index.js';

export { evidenceBlock, sourceOf } from '../citations/index.js';

/** How many passages a model is shown, and how many an extractive report quotes. */
export const modelEvidence = 8;
export const extractiveEvidence = 6;

export function numberEvidence(hits: readonly RetrievalHit[]): Evidence[] {
  return hits.map((hit, index) => ({ number: index + 1, citation: hit.citation, text: hit.text }));
}

/** The system prompt of a report's drafting: what to write, from what, and that the documents are data. */
export function draftingInstructions(template: { name: string; description: string }, evidenceCount: number, today: string): string {
  return [
    `You write a "${template.name}" (${template.description}) from the user's own documents, as one JSON object.`,
    `The user's message holds ${evidenceCount} numbered passages between <passage> markers, then the request.`,
    passagesAreData,
    `Use only what the passages say. Where the object has citations, give the numbers of the passages (1 to ${evidenceCount}) each part rests on; never a number outside them.`,
    'Write in the language of the request.',
    `Today is ${today}.`,
  ].join('\n');
}

export function draftingRequest(evidence: readonly Evidence[], request: string): string {
  return `${evidenceBlock(evidence)}\n\nRequest: ${request}`;
}
