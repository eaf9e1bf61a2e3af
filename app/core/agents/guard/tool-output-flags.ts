/**
 * The Guard's look at what a reading tool gave back (`search` passages, `read_document` text): a passage that
 * reads like instructions is flagged as it would be in a Research answer. Tool output is plain JSON, so the
 * citation is rebuilt from what the passage carries (document, chunk, heading, page).
 */
import { z } from 'zod';
import type { Citation } from '../../../../schemas/index.js';
import { instructionsIn } from './instructions.js';

const Passage = z.object({
  chunk_id: z.string().optional(),
  heading: z.string().optional(),
  page: z.number().int().positive().optional(),
  slide: z.number().int().positive().optional(),
  sheet: z.string().optional(),
  start: z.number().int().nonnegative().optional(),
  end: z.number().int().nonnegative().optional(),
  text: z.string(),
  document: z.string().optional(),
  document_id: z.string().optional(),
});
const ReadingOutput = z.object({
  document: z.string().optional(),
  document_id: z.string().optional(),
  text: z.string().optional(),
  start: z.number().int().nonnegative().optional(),
  passages: z.array(Passage).optional(),
});

export interface FlaggedPassage {
  citation: Citation;
  reasons: string[];
}

/** The passages of a tool's output that read like instructions, each with its reasons. Output of another shape flags nothing. */
export function flaggedInToolOutput(output: unknown): FlaggedPassage[] {
  const parsed = ReadingOutput.safeParse(output);
  if (!parsed.success) return [];
  const { document = 'document', document_id = 'unknown', text, start = 0, passages = [] } = parsed.data;
  const found = [...passages];
  if (text !== undefined) found.push({ text, start, end: start + text.length });
  const flagged: FlaggedPassage[] = [];
  for (const passage of found) {
    const reasons = instructionsIn(passage.text);
    if (reasons.length === 0) continue;
    const from = passage.start ?? 0;
    flagged.push({
      reasons,
      citation: {
        documentId: passage.document_id ?? document_id,
        documentName: passage.document ?? document,
        chunkId: passage.chunk_id ?? `${passage.document_id ?? document_id}:${from}`,
        headingPath: passage.heading ? passage.heading.split(' › ') : [],
        start: from,
        end: passage.end ?? from + passage.text.length,
        snippet: passage.text.slice(0, 240),
        ...(passage.page !== undefined ? { page: passage.page } : {}),
        ...(passage.slide !== undefined ? { slide: passage.slide } : {}),
        ...(passage.sheet !== undefined ? { sheet: passage.sheet } : {}),
      },
    });
  }
  return flagged;
}
