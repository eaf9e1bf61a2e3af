/**
 * Export: a validated report rendered to the files people take away — Markdown, DOCX, PPTX, JSON, and ICS
 * for a milestone plan. Every format is drawn from one layout of the report (report-document.ts), so each
 * says the same thing with the same citations; Hearth's templates have layouts of their own, a user's
 * template gets the generic one.
 */
import { HearthError, type ReportFormat } from '../../../schemas/index.js';
import { isBuiltInTemplateId, type MilestonePlan } from '../../../schemas/index.js';
import { layOutBuiltIn, type LaidOut } from './built-in-layouts.js';
import { renderDocx } from './docx.js';
import { layOutGeneric } from './generic-layout.js';
import { renderIcs } from './ics.js';
import { renderJson } from './json.js';
import { renderMarkdown } from './markdown.js';
import { renderPptx } from './pptx.js';
import type { RenderInput, RenderedFile } from './render-input.js';
import { markUnsupported, statementsOf, type CitedStatement } from './claim-marks.js';
import { extractiveNotice, fileNameOf, sourcesOf, type ReportDocument } from './report-document.js';

export type { RenderInput, RenderedFile } from './render-input.js';
export { schemaIdOf } from './json.js';
export { sourceLabel } from './report-document.js';
export { unsupportedNote, type CitedStatement, type ClaimCheck } from './claim-marks.js';

export const mediaTypes: Record<ReportFormat, string> = {
  markdown: 'text/markdown; charset=utf-8',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  json: 'application/json',
  ics: 'text/calendar; charset=utf-8',
};

const extensions: Record<ReportFormat, string> = { markdown: 'md', docx: 'docx', pptx: 'pptx', json: 'json', ics: 'ics' };

/** The formats a template renders to: every one, and a calendar only for a milestone plan. */
export function formatsOf(template: { id: string; builtIn: boolean }): ReportFormat[] {
  const formats: ReportFormat[] = ['markdown', 'docx', 'pptx', 'json'];
  return template.builtIn && template.id === 'milestone-plan' ? [...formats, 'ics'] : formats;
}

export async function renderReport(input: RenderInput, format: ReportFormat, options: { signal?: AbortSignal } = {}): Promise<RenderedFile> {
  const cancelled = () => new HearthError('CANCELLED', `Rendering "${input.report.title}" as ${format} was cancelled.`);
  if (options.signal?.aborted) throw cancelled();
  if (!formatsOf(input.template).includes(format)) {
    throw new HearthError('BAD_REQUEST', `The template "${input.template.name}" does not render to ${format}: it renders to ${formatsOf(input.template).join(', ')}.`, {
      templateId: input.template.id,
      format,
    });
  }
  const fileName = fileNameOf(input.report.title, extensions[format]);
  const file = (bytes: Uint8Array): RenderedFile => ({ bytes, fileName, mediaType: mediaTypes[format] });
  if (format === 'json') return file(utf8(renderJson(input)));

  const laidOut = layOut(input);
  const doc = documentOf(input, laidOut);
  if (format === 'ics') {
    return file(utf8(renderIcs({ plan: input.value as MilestonePlan, reportId: input.report.id, createdAt: input.report.createdAt, sources: doc.sources })));
  }
  if (format === 'markdown') return file(utf8(renderMarkdown(doc)));
  // docx and pptx zip their parts asynchronously: the one place a render takes a while.
  const bytes = format === 'docx' ? await renderDocx(doc) : await renderPptx(doc);
  if (options.signal?.aborted) throw cancelled();
  return file(bytes);
}

/** The statements of a report that cite passages, as its files lay them out: what the Guard checks. */
export function citedStatements(input: Pick<RenderInput, 'template' | 'value' | 'evidence' | 'report'>): CitedStatement[] {
  return statementsOf(layOut(input).sections);
}

function layOut(input: Pick<RenderInput, 'template' | 'value' | 'evidence' | 'report'>): LaidOut {
  if (input.template.builtIn) {
    if (!isBuiltInTemplateId(input.template.id)) {
      throw new HearthError('NOT_FOUND', `Hearth has no template "${input.template.id}".`, { templateId: input.template.id });
    }
    return layOutBuiltIn(input.template.id, input.value, input.evidence);
  }
  return layOutGeneric(input.value, input.report.title);
}

function documentOf(input: RenderInput, laidOut: LaidOut): ReportDocument {
  return withoutControlCharacters({
    title: laidOut.title,
    kind: input.template.name,
    request: input.report.request,
    date: input.report.createdAt.slice(0, 10),
    ...(input.report.model !== undefined && !input.report.extractive ? { model: input.report.model } : {}),
    ...(input.report.extractive ? { notice: extractiveNotice } : {}),
    sections: markUnsupported(laidOut.sections, input.claimChecks),
    sources: sourcesOf(laidOut.sections, input.evidence),
  });
}

/**
 * Every string of the document without the control characters XML 1.0 forbids (a model's `\u0001`, a
 * document's form feed): docx drops them itself, pptxgenjs writes them, and Office then calls the deck
 * broken. Tabs and line breaks stay.
 */
function withoutControlCharacters<T>(value: T): T {
  if (typeof value === 'string') return value.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '') as T;
  if (Array.isArray(value)) return value.map(withoutControlCharacters) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, withoutControlCharacters(item)])) as T;
  return value;
}

function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}
