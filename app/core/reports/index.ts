/**
 * Reports: schema-shaped output built from a space's documents — Hearth's templates and users' JSON Schemas,
 * drafted by the SGR pipeline (or extractively, without a model) from numbered evidence, every citation checked,
 * rendered to files kept as versioned artifacts. Making one is a `report` job.
 */
export { Reports, type ReportsDeps } from './reports.js';
export { Templates, jsonSchemaOf, type Template } from './templates.js';
export { citationErrors, maxRepairs, needsModel } from './draft-report.js';
export { extractiveReport, extractiveSummary, sentencesOf } from './extractive.js';
export { evidenceBlock, numberEvidence, sourceOf } from './evidence.js';
export { parseJsonText, lineAndColumn, type JsonTextProblem, type JsonTextResult } from './json-text.js';
export { reportsHandlers } from './handlers.js';
