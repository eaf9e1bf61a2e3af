/**
 * JSON: the validated object itself, with the id of the schema it validated against, the template, the
 * report it belongs to and where each cited passage is — what a script or another tool takes it up with.
 */
import type { Evidence } from '../../../schemas/index.js';
import type { RenderInput } from './render-input.js';

export function renderJson(input: RenderInput): string {
  const { template, report } = input;
  const document = {
    schemaId: schemaIdOf(template),
    template: { id: template.id, name: template.name, builtIn: template.builtIn },
    report: {
      id: report.id,
      title: report.title,
      request: report.request,
      createdAt: report.createdAt,
      extractive: report.extractive,
      ...(report.model !== undefined ? { model: report.model } : {}),
    },
    value: input.value,
    evidence: input.evidence.map(evidenceRef),
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

/** Hearth's templates by name and version of their schema; a user's by the template's id in their space. */
export function schemaIdOf(template: { id: string; builtIn: boolean }): string {
  return template.builtIn ? `hearth:reports/${template.id}@1` : `hearth:user-templates/${template.id}`;
}

/** Where a passage is, without its text: the number claims cite it by, its document, location and opening words. */
function evidenceRef(passage: Evidence) {
  const { citation } = passage;
  return {
    number: passage.number,
    documentId: citation.documentId,
    documentName: citation.documentName,
    chunkId: citation.chunkId,
    headingPath: citation.headingPath,
    ...(citation.page !== undefined ? { page: citation.page } : {}),
    ...(citation.pageEnd !== undefined ? { pageEnd: citation.pageEnd } : {}),
    ...(citation.sheet !== undefined ? { sheet: citation.sheet } : {}),
    ...(citation.cells !== undefined ? { cells: citation.cells } : {}),
    ...(citation.slide !== undefined ? { slide: citation.slide } : {}),
    start: citation.start,
    end: citation.end,
    snippet: citation.snippet,
  };
}
