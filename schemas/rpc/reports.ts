/**
 * Reports: schema-shaped output built from a space's documents — a template (Hearth's own, or a user's JSON
 * Schema), a request, the passages retrieved for it — validated, repaired when needed, and rendered to files
 * (artifacts) kept content-addressed and versioned in the data folder. Creating one is a job.
 */
import { z } from 'zod';
import { Citation, Id } from '../domain.js';
import { jobKind } from './job-spec.js';
import { SearchFilter } from './search.js';
import { call, inSpace } from './spec.js';

export const ReportFormat = z.enum(['markdown', 'docx', 'pptx', 'json', 'ics']);
export type ReportFormat = z.infer<typeof ReportFormat>;

export const TemplateInfo = z.object({
  id: Id,
  name: z.string(),
  description: z.string(),
  /** Hearth's own (report, summary, meeting-agenda, milestone-plan) or added by a user. */
  builtIn: z.boolean(),
  /** Whether it can be built from the passages alone when no LLM is configured. */
  extractive: z.boolean(),
  /** The formats it renders to (`ics` only for milestone plans). */
  formats: z.array(ReportFormat),
  /** Its JSON Schema, as the model is constrained by it (for a run with a typical evidence count). */
  jsonSchema: z.record(z.string(), z.unknown()),
});
export type TemplateInfo = z.infer<typeof TemplateInfo>;

/** A template file that could not be read, left out of the list: where and why. */
export const TemplateProblem = z.object({ file: z.string(), line: z.number().int().positive().optional(), message: z.string() });
export type TemplateProblem = z.infer<typeof TemplateProblem>;

/** A passage retrieved for a report, by the number claims cite it with. */
export const Evidence = z.object({ number: z.number().int().positive(), citation: Citation, text: z.string() });
export type Evidence = z.infer<typeof Evidence>;

/** What a kept file is: a report's render in one of its formats, or an email draft (`.eml`) an agent wrote. */
export const ArtifactFormat = z.enum([...ReportFormat.options, 'eml']);
export type ArtifactFormat = z.infer<typeof ArtifactFormat>;

/** A file Hearth made and keeps for download: a report's render, or a file made on its own (an email draft). */
export const ArtifactInfo = z.object({
  id: Id,
  spaceId: Id,
  /** The report it is a render of; absent for a file made without one. */
  reportId: Id.optional(),
  format: ArtifactFormat,
  /** 1 for a report's first render in this format; each new render is the next number, none overwritten. */
  version: z.number().int().positive(),
  fileName: z.string(),
  mediaType: z.string(),
  sizeBytes: z.number().int().nonnegative(),
  sha256: z.string(),
  createdAt: z.string(),
});
export type ArtifactInfo = z.infer<typeof ArtifactInfo>;

/** A render of a report: always of one, in one of the report formats. */
export const ReportArtifactInfo = ArtifactInfo.extend({ reportId: Id, format: ReportFormat });
export type ReportArtifactInfo = z.infer<typeof ReportArtifactInfo>;

/** The steps a report's job goes through, shown as it goes. */
export const ReportStep = z.enum(['retrieving', 'drafting', 'validating', 'repairing', 'rendering']);
export type ReportStep = z.infer<typeof ReportStep>;

export const ReportProgress = z.object({
  step: ReportStep,
  /** The repair round (1 is the first repair), while repairing. */
  round: z.number().int().positive().optional(),
  /** The validation errors the model is asked to fix in this round, as `/json/pointer: message`. */
  errors: z.array(z.string()).max(50).optional(),
  /** 0..1 over the whole job. */
  fraction: z.number().min(0).max(1),
});
export type ReportProgress = z.infer<typeof ReportProgress>;

export const ReportSummary = z.object({
  id: Id,
  spaceId: Id,
  templateId: Id,
  templateName: z.string(),
  title: z.string(),
  request: z.string(),
  createdAt: z.string(),
  /** Built from the passages alone (no LLM): honest about it in the UI and in every file. */
  extractive: z.boolean(),
  /** The model that drafted it, when one did. */
  model: z.string().optional(),
  /** Repair rounds it took to validate (0: valid at once). */
  repairs: z.number().int().nonnegative(),
});
export type ReportSummary = z.infer<typeof ReportSummary>;

export const ReportInfo = ReportSummary.extend({
  /** The validated object. */
  value: z.unknown(),
  evidence: z.array(Evidence),
  /** Every render, newest version last per format. */
  artifacts: z.array(ReportArtifactInfo),
});
export type ReportInfo = z.infer<typeof ReportInfo>;

export const ReportResult = z.object({ reportId: Id, title: z.string(), artifacts: z.array(ReportArtifactInfo) });
export type ReportResult = z.infer<typeof ReportResult>;

/** Making a report: retrieve, draft, validate (and repair), render. */
export const reportJob = jobKind('report', ReportProgress, ReportResult);

const ReportRef = z.object({ reportId: Id });

export const reportsMethods = {
  /** The templates a report in this space can use: Hearth's own, then the space's, with files that could not be read. */
  'reports.templates': call(
    z.object({ spaceId: Id }),
    z.object({ templates: z.array(TemplateInfo), problems: z.array(TemplateProblem) }),
    inSpace('viewer'),
  ),
  /** Adds a template to the space: a JSON Schema (as text, so a mistake is named by its line) and a name. */
  'reports.addTemplate': call(
    z.object({
      spaceId: Id,
      name: z.string().trim().min(1).max(120),
      description: z.string().max(1000).optional(),
      schemaText: z.string().min(2).max(512 * 1024),
    }),
    TemplateInfo,
    inSpace('editor'),
  ),
  'reports.removeTemplate': call(z.object({ spaceId: Id, templateId: Id }), z.object({}), inSpace('editor')),
  /** Starts the job that makes a report (follow it with `jobs.watch`). A template or request Hearth cannot use fails here. */
  'reports.create': call(
    z.object({
      spaceId: Id,
      templateId: Id,
      request: z.string().trim().min(1).max(8000),
      /** Narrows the evidence within the space. */
      filter: SearchFilter.optional(),
      /** The files to render; default every format the template has. */
      formats: z.array(ReportFormat).min(1).max(5).optional(),
    }),
    reportJob.info,
    inSpace('editor'),
  ),
  'reports.list': call(z.object({ spaceId: Id }), z.array(ReportSummary), inSpace('viewer')),
  'reports.get': call(ReportRef, ReportInfo, inSpace('viewer', { report: 'reportId' })),
  /** Renders a report again in one format: a new version beside the old ones. */
  'reports.render': call(ReportRef.extend({ format: ReportFormat }), ReportArtifactInfo, inSpace('editor', { report: 'reportId' })),
  /** An artifact's bytes, base64. */
  'artifacts.download': call(
    z.object({ artifactId: Id }),
    z.object({ artifact: ArtifactInfo, base64: z.string() }),
    inSpace('viewer', { artifact: 'artifactId' }),
  ),
} as const;
