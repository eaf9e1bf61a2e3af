/**
 * Hearth's own report templates: a zod schema each (its structure, with descriptions the prompt carries, and
 * semantic checks a grammar cannot hold), built for one run's evidence. Users' templates (a JSON Schema and
 * a name) are kept per space and listed beside these by `reports.templates`.
 */
import type { z } from 'zod';
import type { TemplateContext } from './evidence.js';
import { meetingAgendaSchema } from './meeting-agenda.js';
import { milestonePlanSchema } from './milestone-plan.js';
import { reportSchema } from './report.js';
import { summarySchema } from './summary.js';

export interface BuiltInTemplate {
  id: BuiltInTemplateId;
  name: string;
  description: string;
  /** Whether it can be built from the passages alone when no LLM is configured (extractively). */
  extractive: boolean;
  schema(context: TemplateContext): z.ZodType;
}

export const builtInTemplateIds = ['report', 'summary', 'meeting-agenda', 'milestone-plan'] as const;
export type BuiltInTemplateId = (typeof builtInTemplateIds)[number];

export const builtInTemplates: Record<BuiltInTemplateId, BuiltInTemplate> = {
  report: {
    id: 'report',
    name: 'Report',
    description: 'A title, a summary and sections of claims, every claim citing its passages.',
    extractive: true,
    schema: reportSchema,
  },
  summary: {
    id: 'summary',
    name: 'Summary',
    description: 'The key points of the documents, each with its passages.',
    extractive: true,
    schema: summarySchema,
  },
  'meeting-agenda': {
    id: 'meeting-agenda',
    name: 'Meeting agenda',
    description: 'Date, participants, and items with an owner, a time box and whether a decision is needed.',
    extractive: false,
    schema: meetingAgendaSchema,
  },
  'milestone-plan': {
    id: 'milestone-plan',
    name: 'Milestone plan',
    description: 'Milestones with an owner, a due date and dependencies (no cycles; nothing due before what it depends on).',
    extractive: false,
    schema: milestonePlanSchema,
  },
};

export function isBuiltInTemplateId(id: string): id is BuiltInTemplateId {
  return (builtInTemplateIds as readonly string[]).includes(id);
}

export { citationsOf, IsoDate, type TemplateContext } from './evidence.js';
export { meetingAgendaSchema, type MeetingAgenda } from './meeting-agenda.js';
export { milestonePlanSchema, type MilestonePlan } from './milestone-plan.js';
export { reportSchema, type Report } from './report.js';
export { summarySchema, type Summary } from './summary.js';
