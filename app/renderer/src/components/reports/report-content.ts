/**
 * What a report's validated object says, read by its template: Hearth's own templates parse into their types
 * (so each gets its own layout: sections of claims, key points, an agenda table, a milestone table); a user's
 * template, or an object its template no longer describes, is shown by its shape.
 */
import {
  meetingAgendaSchema,
  milestonePlanSchema,
  reportSchema,
  summarySchema,
  type MeetingAgenda,
  type MilestonePlan,
  type Report,
  type Summary,
} from '../../../../../schemas/index.js';

export type ReportContent =
  | { kind: 'report'; value: Report }
  | { kind: 'summary'; value: Summary }
  | { kind: 'meeting-agenda'; value: MeetingAgenda }
  | { kind: 'milestone-plan'; value: MilestonePlan }
  | { kind: 'generic'; value: unknown };

export function contentOf(templateId: string, value: unknown, evidenceCount: number): ReportContent {
  const context = { evidenceCount };
  const generic: ReportContent = { kind: 'generic', value };
  switch (templateId) {
    case 'report': {
      const parsed = reportSchema(context).safeParse(value);
      return parsed.success ? { kind: 'report', value: parsed.data } : generic;
    }
    case 'summary': {
      const parsed = summarySchema(context).safeParse(value);
      return parsed.success ? { kind: 'summary', value: parsed.data } : generic;
    }
    case 'meeting-agenda': {
      const parsed = meetingAgendaSchema(context).safeParse(value);
      return parsed.success ? { kind: 'meeting-agenda', value: parsed.data } : generic;
    }
    case 'milestone-plan': {
      const parsed = milestonePlanSchema(context).safeParse(value);
      return parsed.success ? { kind: 'milestone-plan', value: parsed.data } : generic;
    }
    default:
      return generic;
  }
}
