/**
 * The Reports page's data: the templates and past reports of the space it shows, the report being made (its
 * job's steps as the core reported them), the report open for reading, and downloads and renders in flight.
 */
import { create } from 'zustand';
import type { ErrorPayload, ReportInfo, ReportStep, ReportSummary, TemplateInfo, TemplateProblem } from '../../../../schemas/index.js';

/** One step of a run as it happened; a second repair round is a step of its own, with its errors. */
export interface RunStep {
  step: ReportStep;
  round?: number;
  /** The validation errors the model was asked to fix, as `/json/pointer: message`. */
  errors?: string[];
}

/** The report being made: what was asked, how far the job is, and how it ended. */
export interface ReportRun {
  /** Unknown until the core has started the job. */
  jobId?: string;
  /** The template's name; for a job this window did not start, the job's title. */
  heading: string;
  /** As typed (unknown for a job this window did not start). */
  request?: string;
  status: 'starting' | 'running' | 'done' | 'failed' | 'cancelled';
  steps: RunStep[];
  /** 0..1 over the whole job. */
  fraction: number;
  error?: ErrorPayload;
  /** When the model never produced a valid object: the errors of its last attempt. */
  lastErrors?: string[];
  /** The report it made, once done. */
  reportId?: string;
}

export type OpenReport =
  | { reportId: string; status: 'loading' }
  | { reportId: string; status: 'ready'; report: ReportInfo }
  | { reportId: string; status: 'failed'; error: ErrorPayload };

/** A download or a new render that failed keeps its error beside its button; one in flight disables it. */
export type FileWork = { status: 'working' } | { status: 'failed'; error: ErrorPayload };

interface ReportsState {
  /** The space the rest describes; null before the page was first opened. */
  spaceId: string | null;
  loading: boolean;
  loadError: ErrorPayload | null;
  /** Hearth's own first, then the space's and the template folder's. */
  templates: TemplateInfo[];
  /** Template files left out of the list, and why. */
  problems: TemplateProblem[];
  /** The space's reports, newest first. */
  reports: ReportSummary[];
  /** The template chosen in the picker. */
  templateId: string | null;
  /** A template being added (or removed) from this page, or why the core refused it. */
  templateWork: (FileWork & { action: 'add' | 'remove' }) | null;
  run: ReportRun | null;
  open: OpenReport | null;
  /** By artifact id. */
  downloads: Record<string, FileWork>;
  /** By format (a ReportFormat), for the open report. */
  renders: Record<string, FileWork>;
}

export const emptyReports: Omit<ReportsState, 'spaceId'> = {
  loading: false,
  loadError: null,
  templates: [],
  problems: [],
  reports: [],
  templateId: null,
  templateWork: null,
  run: null,
  open: null,
  downloads: {},
  renders: {},
};

export const useReportsStore = create<ReportsState>(() => ({ spaceId: null, ...emptyReports }));
