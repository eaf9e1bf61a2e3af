/** Summary: a title and the key points of the passages, each citing where it comes from. */
import { z } from 'zod';
import { citationsOf, type TemplateContext } from './evidence.js';

export function summarySchema(context: TemplateContext) {
  return z.object({
    title: z.string().min(1).max(200).describe('What is summarised.'),
    keyPoints: z
      .array(
        z.object({
          text: z.string().min(1).max(800).describe('One key point, in a sentence.'),
          citations: citationsOf(context),
        }),
      )
      .min(1)
      .max(15)
      .describe('The key points, most important first.'),
  });
}
export type Summary = z.infer<ReturnType<typeof summarySchema>>;
