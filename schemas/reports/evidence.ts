/**
 * What every report template shares: claims cite the passages retrieved for the report by their number
 * ([1] is the first passage shown to the model), and a number outside the evidence is an error the repair
 * loop can name. The bound is known per run, so templates are built for a run's evidence count.
 */
import { z } from 'zod';

/** Facts about one run that a template's checks need. */
export interface TemplateContext {
  /** How many numbered passages the model was shown (citations run from 1 to this). */
  evidenceCount: number;
  /** Today's date in the user's time zone (YYYY-MM-DD), for dates a template checks against. */
  today?: string;
}

/** Passage numbers a claim rests on: at least one, each one of the passages shown. */
export function citationsOf({ evidenceCount }: TemplateContext) {
  const passage = z
    .number()
    .int()
    .min(1)
    .max(Math.max(1, evidenceCount))
    .describe(`The number of a passage this rests on, 1 to ${evidenceCount}, the number of its <passage> block.`);
  return z.array(passage).min(1).max(8).describe('The passages that support it: at least one.');
}

/** An ISO calendar date, checked for being a real day (2026-02-30 is not). */
export const IsoDate = z.iso.date().describe('A calendar date, YYYY-MM-DD.');
