/** Report: a title, a summary, and sections of claims, each claim citing the passages it rests on. */
import { z } from 'zod';
import { citationsOf, type TemplateContext } from './evidence.js';

export function reportSchema(context: TemplateContext) {
  const Claim = z.object({
    text: z.string().min(1).max(1200).describe('One statement of fact from the passages, in a sentence or two.'),
    citations: citationsOf(context),
  });
  return z.object({
    title: z.string().min(1).max(200).describe('The title of the report.'),
    summary: z.string().min(1).max(2000).describe('What the report finds, in a short paragraph.'),
    sections: z
      .array(
        z.object({
          heading: z.string().min(1).max(200).describe('The heading of this section.'),
          claims: z.array(Claim).min(1).max(20).describe('What this section states, each claim with its passages.'),
        }),
      )
      .min(1)
      .max(12)
      .describe('The body of the report, one section per topic.'),
  });
}
export type Report = z.infer<ReturnType<typeof reportSchema>>;
