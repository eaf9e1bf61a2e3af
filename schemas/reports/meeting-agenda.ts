/** Meeting agenda: when, who, and the items, each with an owner among the participants and a time box. */
import { z } from 'zod';
import { IsoDate, citationsOf, type TemplateContext } from './evidence.js';

export function meetingAgendaSchema(context: TemplateContext) {
  return z
    .object({
      title: z.string().min(1).max(200).describe('What the meeting is about.'),
      date: IsoDate.describe('The day of the meeting, YYYY-MM-DD.'),
      participants: z
        .array(
          z.object({
            name: z.string().min(1).max(120).describe("A participant's name."),
            role: z.string().max(120).optional().describe('Their role, if the passages say it.'),
          }),
        )
        .min(1)
        .max(40)
        .describe('Who takes part.'),
      items: z
        .array(
          z.object({
            topic: z.string().min(1).max(300).describe('What is discussed.'),
            owner: z.string().min(1).max(120).describe('Who leads this item: the name of one of the participants.'),
            minutes: z.number().int().min(1).max(240).describe('The time box, in minutes.'),
            decisionNeeded: z.boolean().describe('Whether the meeting must decide something on this item.'),
            citations: citationsOf(context).optional(),
          }),
        )
        .min(1)
        .max(30)
        .describe('The agenda items, in order.'),
    })
    .superRefine((agenda, issues) => {
      const names = new Set(agenda.participants.map((participant) => participant.name.trim().toLowerCase()));
      agenda.items.forEach((item, index) => {
        if (!names.has(item.owner.trim().toLowerCase())) {
          issues.addIssue({
            code: 'custom',
            path: ['items', index, 'owner'],
            message: `The owner "${item.owner}" is not one of the participants (${agenda.participants.map((p) => p.name).join(', ')}).`,
          });
        }
      });
    });
}
export type MeetingAgenda = z.infer<ReturnType<typeof meetingAgendaSchema>>;
