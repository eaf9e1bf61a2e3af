/**
 * Reports as jobs: `create` checks the template and the formats and starts a `report` job, which retrieves
 * the evidence (within the caller's spaces, narrowed to the report's space and filter), drafts and validates
 * the object (draft-report.ts), renders every format, and only then keeps the report and its files. After a
 * restart the job runs again from the start, or — when its report was already kept — renders the formats it
 * had not stored yet.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import {
  HearthError,
  ReportFormat,
  ReportProgress,
  ReportResult,
  SearchFilter,
  reportJob,
  type ArtifactInfo,
  type Evidence,
  type ReportArtifactInfo,
  type JobInfoOf,
  type ReportInfo,
  type ReportSummary,
} from '../../../schemas/index.js';
import type { ArtifactInput, ArtifactStore } from '../artifacts/index.js';
import { citedStatements, formatsOf, renderReport, type CitedStatement, type ClaimCheck, type RenderedFile } from '../export/index.js';
import type { JobKind, JobRun, Jobs } from '../jobs/index.js';
import type { Lease } from '../lifecycle.js';
import type { ChatModel, ModelRuntime } from '../models/index.js';
import type { SpaceIndexes } from '../retrieval/index.js';
import type { Spaces } from '../spaces/index.js';
import type { Db } from '../storage/index.js';
import type { Caller } from '../team/index.js';
import { draftReport, needsModel } from './draft-report.js';
import { extractiveEvidence, modelEvidence, numberEvidence } from './evidence.js';
import { ReportStore, summaryOf, type StoredReport } from './report-store.js';
import { Templates, type Template } from './templates.js';

export interface ReportsDeps {
  db: Db;
  dataDir: string;
  spaces: Spaces;
  indexes: SpaceIndexes;
  models: ModelRuntime;
  jobs: Jobs;
  artifacts: ArtifactStore;
  /**
   * The Guard's check of a report's cited statements against its evidence (the agents' capability, handed in
   * by whoever composes Hearth): unsupported statements are marked in every file. Without it nothing is marked.
   */
  verifyCited?: ((statements: CitedStatement[], evidence: Evidence[], signal: AbortSignal | undefined) => Promise<ClaimCheck[]>) | undefined;
}

const ReportParams = z.object({
  /** Chosen when the job starts, so a run after a restart finds the report it may already have kept. */
  reportId: z.string(),
  spaceId: z.string(),
  templateId: z.string(),
  request: z.string(),
  filter: SearchFilter.optional(),
  formats: z.array(ReportFormat).min(1),
  /** The agent's tool call that started it, so a resumed run finds this report instead of starting another. */
  origin: z.object({ runId: z.string(), callKey: z.string() }).optional(),
});
type ReportParams = z.infer<typeof ReportParams>;

/** Reports made at once: each holds the model for its drafting, which serves one request at a time anyway. */
const reportConcurrency = 2;

export class Reports {
  readonly templates: Templates;
  private readonly store: ReportStore;

  constructor(private readonly deps: ReportsDeps) {
    this.templates = new Templates(deps.db, path.join(deps.dataDir, 'templates'));
    this.store = new ReportStore(deps.db);
    deps.jobs.register(this.reportKind());
  }

  /**
   * Starts the job that makes a report. Refused here, before any job: a template that is not there, a format it
   * does not render to, and — with no language model configured — a template that cannot be made extractively.
   */
  async create(
    caller: Caller,
    request: {
      spaceId: string;
      templateId: string;
      request: string;
      filter?: SearchFilter | undefined;
      formats?: ReportFormat[] | undefined;
      origin?: { runId: string; callKey: string } | undefined;
    },
  ): Promise<JobInfoOf<'report'>> {
    const space = this.deps.spaces.get(request.spaceId);
    const template = await this.templates.resolve(request.spaceId, request.templateId);
    const formats = [...new Set(request.formats ?? formatsOf(template))];
    checkFormats(template, formats);
    if (!template.extractive && !(await this.deps.models.active('llm'))) throw needsModel(template);
    const params: ReportParams = { reportId: randomUUID(), spaceId: space.id, templateId: template.id, request: request.request, formats, ...(request.filter ? { filter: request.filter } : {}), ...(request.origin ? { origin: request.origin } : {}) };
    return this.deps.jobs.start('report', { spaceId: space.id, title: `${template.name}: ${clip(request.request, 80)}`, subject: space.name, params, caller });
  }

  /** The report job an agent's tool call started (any state), if it started one: what a resumed run follows again. */
  startedBy(spaceId: string, origin: { runId: string; callKey: string }): JobInfoOf<'report'> | undefined {
    const jobs = this.deps.jobs.list({ spaceId, states: ['queued', 'running', 'waiting', 'done', 'failed', 'cancelled'], kinds: ['report'], limit: 500 });
    const started = jobs.find((job) => {
      const params = ReportParams.safeParse(this.deps.jobs.paramsOf(job.id));
      return params.success && params.data.origin?.runId === origin.runId && params.data.origin.callKey === origin.callKey;
    });
    return started as JobInfoOf<'report'> | undefined;
  }

  list(spaceId: string): ReportSummary[] {
    return this.store.list(spaceId);
  }

  get(reportId: string): ReportInfo {
    const report = this.store.get(reportId);
    const { value, evidence } = report;
    return { ...summaryOf(report), value, evidence, artifacts: this.artifactsOf(report) };
  }

  /** Renders a report again in one format: a new version beside the ones before. */
  async render(reportId: string, format: ReportFormat, signal?: AbortSignal): Promise<ReportArtifactInfo> {
    const report = this.store.get(reportId);
    checkFormats({ id: report.templateId, builtIn: report.templateBuiltIn, name: report.templateName }, [format]);
    const input = renderInput(report, await this.claimChecks(report, signal));
    return this.keep(report, await renderReport(input, format, signal ? { signal } : {}), format);
  }

  async download(artifactId: string): Promise<{ artifact: ArtifactInfo; base64: string }> {
    const artifact = this.deps.artifacts.get(artifactId);
    const bytes = await this.deps.artifacts.read(artifactId);
    return { artifact, base64: Buffer.from(bytes).toString('base64') };
  }

  spaceOf(reportId: string): string | undefined {
    return this.store.spaceOf(reportId);
  }

  /** Forgets a space's reports and their files (the rows would go with the space; the files need removing). */
  async deleteForSpace(spaceId: string): Promise<void> {
    await this.deps.artifacts.deleteForSpace(spaceId);
    this.store.deleteForSpace(spaceId);
  }

  private reportKind(): JobKind<ReportParams, ReportProgress, ReportResult> {
    return {
      kind: reportJob.kind,
      params: ReportParams,
      progress: ReportProgress,
      result: ReportResult,
      concurrency: reportConcurrency,
      run: (job) => this.run(job),
    };
  }

  private async run(job: JobRun<ReportParams, ReportProgress>): Promise<ReportResult> {
    const { params } = job;
    const onStep = (step: string, progress: ReportProgress, detail?: string) => {
      job.step(step, detail);
      job.progress(progress);
    };
    const kept = this.store.find(params.reportId);
    if (kept) {
      // Validated and kept before a restart: only the files it had not stored are left to make.
      const have = new Set(this.deps.artifacts.list({ spaceId: kept.spaceId, reportId: kept.id }).map((artifact) => artifact.format));
      const missing = params.formats.filter((format) => !have.has(format));
      const files = await this.renderAll(kept, missing, onStep, job.signal);
      await this.deps.artifacts.putAll(files.map(([format, file]) => this.artifactOf(kept, file, format)));
      return { reportId: kept.id, title: kept.title, artifacts: this.artifactsOf(kept) };
    }

    onStep('retrieving', { step: 'retrieving', fraction: 0 });
    const template = await this.templates.resolve(params.spaceId, params.templateId);
    const lease = await this.leaseModel(template, job);
    // Named now, beside the lease: a switch of models while this report drafts must not rename who drafted it.
    const model = lease ? ((await this.deps.models.active('llm'))?.name ?? lease.value.id) : undefined;
    try {
      const { hits } = await this.deps.indexes.search(
        job.caller,
        { spaceId: params.spaceId, query: params.request, limit: lease ? modelEvidence : extractiveEvidence, filter: params.filter },
        job.signal,
      );
      if (hits.length === 0) {
        throw new HearthError(
          'NOT_FOUND',
          params.filter ? 'Nothing in the filtered documents matches the request: try other words, or widen the filter.' : 'Nothing in this space’s documents matches the request: try other words, or add documents that cover it.',
        );
      }
      const evidence = numberEvidence(hits);
      const draft = await draftReport({ template, evidence, request: params.request, model: lease?.value, signal: job.signal, onStep });
      const value = draft.value as { title?: unknown };
      const report: StoredReport = {
        id: params.reportId,
        spaceId: params.spaceId,
        templateId: template.id,
        templateName: template.name,
        templateBuiltIn: template.builtIn,
        ...(template.builtIn ? {} : { templateSchema: template.schema }),
        title: typeof value.title === 'string' && value.title.trim() !== '' ? value.title : `${template.name}: ${clip(params.request, 120)}`,
        request: params.request,
        createdAt: new Date().toISOString(),
        extractive: draft.extractive,
        ...(model !== undefined ? { model } : {}),
        repairs: draft.repairs,
        value: draft.value,
        evidence,
      };
      // Every file is made before anything is kept: a renderer that fails leaves no report half-stored.
      const files = await this.renderAll(report, params.formats, onStep, job.signal);
      // The report's row goes in the transaction of its files' rows: it is listed with every file, or not at all.
      const artifacts = await this.deps.artifacts.putAll(
        files.map(([format, file]) => this.artifactOf(report, file, format)),
        () => this.store.insert(report),
      );
      job.step('stored', report.id);
      return { reportId: report.id, title: report.title, artifacts };
    } finally {
      await lease?.release();
    }
  }

  /**
   * The language model for a run. A template made extractively goes on without it when none is configured or it
   * cannot open (the journal says why, and the report that it is extractive); any other template needs it.
   */
  private async leaseModel(template: Template, job: JobRun<ReportParams, ReportProgress>): Promise<Lease<ChatModel> | undefined> {
    let lease: Lease<ChatModel> | undefined;
    try {
      lease = await this.deps.models.leaseChatModel();
    } catch (error) {
      if (!template.extractive) throw error;
      job.step('extractive', `The language model could not start (${(error as Error).message}), so the report is built from the passages alone.`);
      return undefined;
    }
    if (!lease && !template.extractive) throw needsModel(template);
    return lease;
  }

  private async renderAll(
    report: StoredReport,
    formats: ReportFormat[],
    onStep: (step: string, progress: ReportProgress, detail?: string) => void,
    signal: AbortSignal,
  ): Promise<[ReportFormat, RenderedFile][]> {
    const files: [ReportFormat, RenderedFile][] = [];
    const checks = formats.length > 0 ? await this.claimChecks(report, signal) : undefined;
    for (const [index, format] of formats.entries()) {
      onStep('rendering', { step: 'rendering', fraction: 0.85 + (0.15 * index) / formats.length }, format);
      files.push([format, await renderReport(renderInput(report, checks), format, { signal })]);
    }
    return files;
  }

  /** The Guard's verdicts on the report's cited statements, when a checker was handed in. */
  private async claimChecks(report: StoredReport, signal: AbortSignal | undefined): Promise<ClaimCheck[] | undefined> {
    if (!this.deps.verifyCited) return undefined;
    const statements = citedStatements(renderInput(report));
    return statements.length > 0 ? this.deps.verifyCited(statements, report.evidence, signal) : [];
  }

  private keep(report: StoredReport, file: RenderedFile, format: ReportFormat): Promise<ReportArtifactInfo> {
    return this.deps.artifacts.put(this.artifactOf(report, file, format));
  }

  private artifactOf(report: StoredReport, file: RenderedFile, format: ReportFormat): ArtifactInput {
    return { spaceId: report.spaceId, reportId: report.id, format, fileName: file.fileName, mediaType: file.mediaType, bytes: file.bytes };
  }

  /** A report's files, by format, oldest version first. */
  private artifactsOf(report: StoredReport): ReportArtifactInfo[] {
    return this.deps.artifacts.list({ spaceId: report.spaceId, reportId: report.id });
  }
}

function renderInput(report: StoredReport, claimChecks?: ClaimCheck[]) {
  return {
    ...(claimChecks ? { claimChecks } : {}),
    template: { id: report.templateId, name: report.templateName, builtIn: report.templateBuiltIn },
    value: report.value,
    evidence: report.evidence,
    report: {
      id: report.id,
      title: report.title,
      request: report.request,
      createdAt: report.createdAt,
      extractive: report.extractive,
      ...(report.model !== undefined ? { model: report.model } : {}),
    },
  };
}

function checkFormats(template: { id: string; builtIn: boolean; name: string }, formats: readonly ReportFormat[]): void {
  const available = formatsOf(template);
  const refused = formats.filter((format) => !available.includes(format));
  if (refused.length > 0) {
    throw new HearthError('BAD_REQUEST', `A "${template.name}" renders to ${available.join(', ')}, not ${refused.join(', ')}.`, { formats: refused });
  }
}

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1).trimEnd()}…` : text);
