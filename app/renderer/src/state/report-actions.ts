/**
 * The Reports page's actions: reading a space's templates and reports, making a report (a job in the core,
 * followed step by step), opening one, downloading its files and rendering them again. Like actions.ts, the
 * only code of its kind that talks to the core; what comes back lands in the reports store.
 */
import { z } from 'zod';
import { HearthError, type JobInfoOf, type ReportFormat, type ReportProgress, type TemplateInfo } from '../../../../schemas/index.js';
import { followJob } from '../client/follow-job.js';
import { saveDownload } from '../downloads.js';
import { useAppStore } from './app-store.js';
import { useCitationStore } from './citation-store.js';
import { describe, spaceConnection } from './core-connection.js';
import { withEntry } from './keyed-record.js';
import { emptyReports, useReportsStore, type FileWork, type ReportRun, type RunStep } from './reports-store.js';
import { useSpacesStore } from './spaces-store.js';
import { useViewStore } from './view-store.js';

const client = () => spaceConnection().client;

/** The report job this window follows; aborting stops the following only, the core goes on with the work. */
let following: AbortController | undefined;

/**
 * When the Reports page shows (opened, or the space picker changed under it): the space on screen's templates,
 * reports and any report job still running there are read. The same space again only re-reads its reports.
 */
export async function showReports(): Promise<void> {
  const spaceId = useSpacesStore.getState().currentSpaceId;
  if (!spaceId || useViewStore.getState().view !== 'reports' || useAppStore.getState().connection !== 'ready') return;
  if (useReportsStore.getState().spaceId === spaceId) {
    await refreshReportList(spaceId);
    return;
  }
  following?.abort();
  following = undefined;
  useReportsStore.setState({ spaceId, ...emptyReports, loading: true });
  useCitationStore.setState({ open: null });
  const stillCurrent = () => useReportsStore.getState().spaceId === spaceId;
  try {
    const [{ templates, problems }, reports, running] = await Promise.all([
      client().call('reports.templates', { spaceId }),
      client().call('reports.list', { spaceId }),
      client().call('jobs.list', { spaceId, kinds: ['report'] }),
    ]);
    if (!stillCurrent()) return;
    useReportsStore.setState({ loading: false, templates, problems, reports: newestFirst(reports), templateId: firstChoice(templates) });
    // A report another window (or this one before a reload) started is followed here too.
    const job = running.find((candidate): candidate is JobInfoOf<'report'> => candidate.kind === 'report');
    if (job) void followRun(spaceId, Promise.resolve(job), { heading: job.title });
  } catch (error) {
    if (stillCurrent()) useReportsStore.setState({ loading: false, loadError: describe(error) });
  }
}

/** With no language model, a template that needs one would only fail: the picker starts on one that can be built. */
function firstChoice(templates: TemplateInfo[]): string | null {
  const withoutModel = useAppStore.getState().info?.answerMode === 'extractive';
  return (withoutModel ? templates.find((template) => template.extractive) : undefined)?.id ?? templates[0]?.id ?? null;
}

export function chooseTemplate(templateId: string): void {
  useReportsStore.setState({ templateId });
}

/**
 * Adds a template to the space from a JSON Schema's text; resolves true once the core has kept it (and the
 * picker chose it), false with the core's reason beside the form: where the JSON does not parse, or which part
 * of the schema no value could satisfy.
 */
export async function addTemplate(input: { name: string; description: string; schemaText: string }): Promise<boolean> {
  const spaceId = useReportsStore.getState().spaceId;
  if (!spaceId || useReportsStore.getState().templateWork?.status === 'working') return false;
  useReportsStore.setState({ templateWork: { action: 'add', status: 'working' } });
  try {
    const description = input.description.trim();
    const template = await client().call('reports.addTemplate', {
      spaceId,
      name: input.name.trim(),
      schemaText: input.schemaText,
      ...(description !== '' ? { description } : {}),
    });
    if (useReportsStore.getState().spaceId !== spaceId) return false;
    useReportsStore.setState((state) => ({
      templates: [...state.templates.filter((candidate) => candidate.id !== template.id), template],
      templateId: template.id,
      templateWork: null,
    }));
    return true;
  } catch (error) {
    if (useReportsStore.getState().spaceId === spaceId) useReportsStore.setState({ templateWork: { action: 'add', status: 'failed', error: describe(error) } });
    return false;
  }
}

/** Removes one of the space's own templates; reports made with it keep their content and files. */
export async function removeTemplate(templateId: string): Promise<void> {
  const spaceId = useReportsStore.getState().spaceId;
  if (!spaceId || useReportsStore.getState().templateWork?.status === 'working') return;
  useReportsStore.setState({ templateWork: { action: 'remove', status: 'working' } });
  try {
    await client().call('reports.removeTemplate', { spaceId, templateId });
    useReportsStore.setState((state) => {
      const templates = state.templates.filter((candidate) => candidate.id !== templateId);
      return { templates, templateWork: null, templateId: state.templateId === templateId ? firstChoice(templates) : state.templateId };
    });
  } catch (error) {
    useReportsStore.setState({ templateWork: { action: 'remove', status: 'failed', error: describe(error) } });
  }
}

export function dismissTemplateError(): void {
  useReportsStore.setState({ templateWork: null });
}

/** Starts a report from the chosen template and follows its job; the finished report opens. */
export function createReport(request: string): void {
  const { spaceId, templateId, templates, run } = useReportsStore.getState();
  const template = templates.find((candidate) => candidate.id === templateId);
  if (!spaceId || !template || isRunning(run) || request.trim() === '') return;
  void followRun(spaceId, client().call('reports.create', { spaceId, templateId: template.id, request: request.trim() }), {
    heading: template.name,
    request: request.trim(),
  });
}

export function isRunning(run: ReportRun | null): boolean {
  return run !== null && (run.status === 'starting' || run.status === 'running');
}

/** Stops the report being made; the job ends cancelled and stores nothing. */
export async function cancelReport(): Promise<void> {
  const run = useReportsStore.getState().run;
  if (!run?.jobId || !isRunning(run)) return;
  try {
    await client().call('jobs.cancel', { jobId: run.jobId });
  } catch (error) {
    updateRun(run.jobId, () => ({ error: describe(error) }));
  }
}

/** Clears a finished, failed or cancelled run from the page. */
export function dismissRun(): void {
  if (!isRunning(useReportsStore.getState().run)) useReportsStore.setState({ run: null });
}

async function followRun(spaceId: string, started: Promise<JobInfoOf<'report'>>, about: Pick<ReportRun, 'heading' | 'request'>): Promise<void> {
  following?.abort();
  const controller = new AbortController();
  following = controller;
  useReportsStore.setState({ run: { ...about, status: 'starting', steps: [], fraction: 0 } });
  const mine = () => !controller.signal.aborted && useReportsStore.getState().spaceId === spaceId;
  try {
    const job = await started;
    if (!mine()) return;
    useReportsStore.setState((state) => ({ run: state.run && { ...state.run, jobId: job.id, status: 'running' } }));
    const handle = followJob(client(), Promise.resolve(job), { signal: controller.signal });
    for await (const progress of handle) if (mine()) updateRun(job.id, (run) => withProgress(run, progress));
    const result = await handle.result;
    if (!mine()) return;
    updateRun(job.id, () => ({ status: 'done', fraction: 1, reportId: result.reportId }));
    await Promise.all([refreshReportList(spaceId), openReport(result.reportId)]);
  } catch (error) {
    if (!mine()) return;
    const payload = describe(error);
    useReportsStore.setState((state) => {
      if (!state.run || !isRunning(state.run)) return {};
      // Only a draft that never validated has "last errors"; a failure after a repair that worked has none to show.
      const neverValid = payload.code === 'OUTPUT_INVALID';
      const lastErrors = neverValid ? (errorsOf(error) ?? state.run.steps.findLast((step) => step.errors !== undefined)?.errors) : undefined;
      const status = payload.code === 'CANCELLED' ? 'cancelled' : 'failed';
      return { run: { ...state.run, status, error: payload, ...(lastErrors ? { lastErrors } : {}) } };
    });
  } finally {
    if (following === controller) following = undefined;
  }
}

/** A new step (or repair round) is a new line of the run; more progress in the same step updates its line. */
function withProgress(run: ReportRun, progress: ReportProgress): Partial<ReportRun> {
  const step: RunStep = {
    step: progress.step,
    ...(progress.round !== undefined ? { round: progress.round } : {}),
    ...(progress.errors !== undefined ? { errors: progress.errors } : {}),
  };
  const last = run.steps.at(-1);
  const same = last !== undefined && last.step === step.step && last.round === step.round;
  return { fraction: progress.fraction, steps: same ? [...run.steps.slice(0, -1), { ...last, ...step }] : [...run.steps, step] };
}

function updateRun(jobId: string, change: (run: ReportRun) => Partial<ReportRun>): void {
  useReportsStore.setState((state) => (state.run?.jobId === jobId ? { run: { ...state.run, ...change(state.run) } } : {}));
}

/** A failure that never validated carries the last errors (`OUTPUT_INVALID` details); other failures carry none. */
const ValidationDetails = z.object({ errors: z.array(z.string()).min(1) });
function errorsOf(error: unknown): string[] | undefined {
  if (!(error instanceof HearthError)) return undefined;
  const details = ValidationDetails.safeParse(error.details);
  return details.success ? details.data.errors : undefined;
}

async function refreshReportList(spaceId: string): Promise<void> {
  try {
    const reports = await client().call('reports.list', { spaceId });
    if (useReportsStore.getState().spaceId === spaceId) useReportsStore.setState({ reports: newestFirst(reports), loadError: null });
  } catch (error) {
    if (useReportsStore.getState().spaceId === spaceId) useReportsStore.setState({ loadError: describe(error) });
  }
}

function newestFirst<T extends { createdAt: string }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

/** Opens a report for reading: its validated content, its passages and its files. */
export async function openReport(reportId: string): Promise<void> {
  useReportsStore.setState({ open: { reportId, status: 'loading' }, renders: {} });
  // The panel showed a passage of the report read before; its numbers mean other passages in this one.
  useCitationStore.setState({ open: null });
  const stillOpen = () => useReportsStore.getState().open?.reportId === reportId;
  try {
    const report = await client().call('reports.get', { reportId });
    if (stillOpen()) useReportsStore.setState({ open: { reportId, status: 'ready', report } });
  } catch (error) {
    if (stillOpen()) useReportsStore.setState({ open: { reportId, status: 'failed', error: describe(error) } });
  }
}

/** Fetches an artifact's bytes and hands them to the browser as a download. */
export async function downloadArtifact(artifactId: string): Promise<void> {
  if (useReportsStore.getState().downloads[artifactId]?.status === 'working') return;
  setDownload(artifactId, { status: 'working' });
  try {
    const { artifact, base64 } = await client().call('artifacts.download', { artifactId });
    saveDownload({ base64, fileName: artifact.fileName, mediaType: artifact.mediaType });
    setDownload(artifactId, undefined);
  } catch (error) {
    setDownload(artifactId, { status: 'failed', error: describe(error) });
  }
}

/** Renders the open report again in one format: a new version beside the old ones, which stay. */
export async function renderAgain(format: ReportFormat): Promise<void> {
  const open = useReportsStore.getState().open;
  if (open?.status !== 'ready' || useReportsStore.getState().renders[format]?.status === 'working') return;
  const { reportId } = open;
  setRender(format, { status: 'working' });
  try {
    const artifact = await client().call('reports.render', { reportId, format });
    useReportsStore.setState((state) =>
      state.open?.status === 'ready' && state.open.reportId === reportId
        ? { open: { ...state.open, report: { ...state.open.report, artifacts: [...state.open.report.artifacts, artifact] } } }
        : {},
    );
    setRender(format, undefined);
  } catch (error) {
    setRender(format, { status: 'failed', error: describe(error) });
  }
}

function setDownload(artifactId: string, work: FileWork | undefined): void {
  useReportsStore.setState((state) => ({ downloads: withEntry(state.downloads, artifactId, work) }));
}

function setRender(format: ReportFormat, work: FileWork | undefined): void {
  useReportsStore.setState((state) => ({ renders: withEntry(state.renders, format, work) }));
}

/** Clears a failed download's or render's message. */
export function dismissFileError(key: { artifactId: string } | { format: ReportFormat }): void {
  if ('artifactId' in key) setDownload(key.artifactId, undefined);
  else setRender(key.format, undefined);
}

