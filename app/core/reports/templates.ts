/**
 * The templates a report can use: Hearth's own (schemas/reports, zod with semantic checks), the ones a user
 * added to a space (a JSON Schema and a name, kept in SQLite), and the files a user drops in
 * `<dataDir>/templates/*.json` (`{ "name", "description"?, "schema" }`, offered in every space). A schema is
 * checked before it is kept; a file that cannot be read is listed among the problems, with its line, and left out.
 */
import { createHash, randomUUID } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import {
  HearthError,
  builtInTemplateIds,
  builtInTemplates,
  isBuiltInTemplateId,
  type BuiltInTemplateId,
  type TemplateInfo,
  type TemplateProblem,
} from '../../../schemas/index.js';
import { formatsOf } from '../export/index.js';
import type { JsonSchema } from '../models/index.js';
import { checkJsonSchema, type SchemaProblem } from '../sgr/index.js';
import type { Db } from '../storage/index.js';
import { parseJsonText } from './json-text.js';

/** A template as a run needs it. */
export type Template =
  | { id: BuiltInTemplateId; name: string; description: string; builtIn: true; extractive: boolean }
  | { id: string; name: string; description: string; builtIn: false; extractive: false; schema: JsonSchema; origin: 'space' | 'file' };

/** The evidence count the schema a template lists is shown for (a run's own count bounds its citations). */
const typicalEvidence = 8;
/** A template file larger than this is not read (a schema that large would not compile anyway). */
const maxFileBytes = 512 * 1024;

const TemplateFile = z.object({
  name: z.string().trim().min(1).max(120),
  description: z.string().max(1000).optional(),
  schema: z.record(z.string(), z.unknown()),
});

interface TemplateRow {
  id: string;
  name: string;
  description: string;
  schema: string;
}

export class Templates {
  constructor(
    private readonly db: Db,
    /** `<dataDir>/templates`: the folder of template files. */
    private readonly folder: string,
  ) {}

  /** Hearth's own templates, then the space's, then the files; and the files that could not be read. */
  async list(spaceId: string): Promise<{ templates: TemplateInfo[]; problems: TemplateProblem[] }> {
    const files = await this.readFiles();
    const templates = [...builtInTemplateIds.map(builtIn), ...this.ofSpace(spaceId), ...files.templates];
    return { templates: templates.map(infoOf), problems: files.problems };
  }

  /** The template a report names, in this space; NOT_FOUND when there is none by that id. */
  async resolve(spaceId: string, templateId: string): Promise<Template> {
    if (isBuiltInTemplateId(templateId)) return builtIn(templateId);
    const found = this.ofSpace(spaceId).find((template) => template.id === templateId) ?? (await this.readFiles()).templates.find((template) => template.id === templateId);
    if (!found) throw new HearthError('NOT_FOUND', `There is no template ${templateId} in this space (reports.templates lists them).`, { templateId });
    return found;
  }

  /**
   * Keeps a user's template in a space: its schema text parsed (a syntax error named by line and column), then
   * checked as a JSON Schema that a value can satisfy and Hearth can compile (a problem named by its pointer).
   */
  add(spaceId: string, request: { name: string; description?: string | undefined; schemaText: string }): TemplateInfo {
    const schema = readSchemaText(request.schemaText);
    refuseProblems(checkJsonSchema(schema));
    const name = request.name.trim();
    if (this.ofSpace(spaceId).some((template) => template.name.toLowerCase() === name.toLowerCase()) || isBuiltInName(name)) {
      throw new HearthError('ALREADY_EXISTS', `There is already a template named "${name}" in this space; pick another name.`, { name });
    }
    const id = randomUUID();
    this.db
      .prepare('INSERT INTO report_templates (id, space_id, name, description, schema, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(id, spaceId, name, request.description ?? '', JSON.stringify(schema), new Date().toISOString());
    return infoOf({ id, name, description: request.description ?? '', builtIn: false, extractive: false, schema, origin: 'space' });
  }

  /** Removes a template the user added to this space; Hearth's own and the files' cannot be removed here. */
  async remove(spaceId: string, templateId: string): Promise<void> {
    const template = await this.resolve(spaceId, templateId);
    if (template.builtIn) throw new HearthError('BAD_REQUEST', `"${template.name}" is one of Hearth's own templates; it cannot be removed.`, { templateId });
    if (template.origin === 'file') {
      throw new HearthError('BAD_REQUEST', `"${template.name}" comes from a file in ${this.folder}; remove the file to remove it.`, { templateId });
    }
    this.db.prepare('DELETE FROM report_templates WHERE id = ? AND space_id = ?').run(templateId, spaceId);
  }

  private ofSpace(spaceId: string): Template[] {
    const rows = this.db.prepare('SELECT id, name, description, schema FROM report_templates WHERE space_id = ? ORDER BY created_at, name').all(spaceId) as TemplateRow[];
    return rows.map((row) => ({ id: row.id, name: row.name, description: row.description, builtIn: false, extractive: false, schema: JSON.parse(row.schema) as JsonSchema, origin: 'space' }));
  }

  /** The template files, read afresh each time (a user edits them while Hearth runs), and why any was left out. */
  private async readFiles(): Promise<{ templates: Template[]; problems: TemplateProblem[] }> {
    const names = await readdir(this.folder).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return []; // no folder: no template files
      throw error;
    });
    const templates: Template[] = [];
    const problems: TemplateProblem[] = [];
    for (const file of names.filter((name) => name.toLowerCase().endsWith('.json')).sort()) {
      const read = await readTemplateFile(path.join(this.folder, file));
      if ('problem' in read) problems.push({ file, ...read.problem });
      else templates.push({ ...read.template, id: fileTemplateId(file) });
    }
    return { templates, problems };
  }
}

function builtIn(id: BuiltInTemplateId): Template {
  const { name, description, extractive } = builtInTemplates[id];
  return { id, name, description, builtIn: true, extractive };
}

function isBuiltInName(name: string): boolean {
  return builtInTemplateIds.some((id) => builtInTemplates[id].name.toLowerCase() === name.toLowerCase());
}

/** The JSON Schema a run of the template is constrained by: for Hearth's own, built for the run's evidence. */
export function jsonSchemaOf(template: Template, evidenceCount: number): JsonSchema {
  if (!template.builtIn) return template.schema;
  return z.toJSONSchema(builtInTemplates[template.id].schema({ evidenceCount })) as JsonSchema;
}

function infoOf(template: Template): TemplateInfo {
  return {
    id: template.id,
    name: template.name,
    description: template.description,
    builtIn: template.builtIn,
    extractive: template.extractive,
    formats: formatsOf(template),
    jsonSchema: jsonSchemaOf(template, typicalEvidence) as Record<string, unknown>,
  };
}

/** A template file's id: stable while the file keeps its name, within the contract's 64 characters. */
function fileTemplateId(file: string): string {
  const base = file.replace(/\.json$/i, '');
  return base.length <= 59 ? `file:${base}` : `file:${createHash('sha256').update(base).digest('hex').slice(0, 16)}`;
}

function readSchemaText(text: string): JsonSchema {
  const parsed = parseJsonText(text);
  if (!parsed.ok) {
    const { line, column, message } = parsed.problem;
    throw new HearthError('SCHEMA_INVALID', `The schema is not valid JSON: line ${line}, column ${column}: ${message}.`, { line, column });
  }
  if (typeof parsed.value !== 'object' || parsed.value === null || Array.isArray(parsed.value)) {
    throw new HearthError('SCHEMA_INVALID', 'The schema must be a JSON object (a JSON Schema such as {"type": "object", …}).', { pointer: '' });
  }
  return parsed.value as JsonSchema;
}

function refuseProblems(problems: SchemaProblem[]): void {
  const first = problems[0];
  if (!first) return;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
  // checkJsonSchema marks a schema past its size or rule limits with the keyword `size`.
  const tooLarge = problems.some((problem) => problem.keyword === 'size');
  throw new HearthError(tooLarge ? 'SCHEMA_TOO_LARGE' : 'SCHEMA_INVALID', `The schema cannot be used: ${describeProblem(first)}${more}.`, { pointer: first.pointer, problems });
}

/** A problem as a clause of a sentence: where, then what (its own full stop dropped, the sentence ends it). */
const describeProblem = (problem: SchemaProblem) => `${problem.pointer === '' ? 'at its root' : `at ${problem.pointer}`}: ${problem.message.replace(/\.$/, '')}`;

async function readTemplateFile(file: string): Promise<{ template: Omit<Extract<Template, { builtIn: false }>, 'id'> } | { problem: Omit<TemplateProblem, 'file'> }> {
  let text: string;
  try {
    const bytes = await readFile(file);
    if (bytes.length > maxFileBytes) return { problem: { message: `It is larger than ${maxFileBytes / 1024} KB, so it was not read.` } };
    text = bytes.toString('utf8');
  } catch (error) {
    return { problem: { message: `It could not be read: ${(error as Error).message}` } };
  }
  const parsed = parseJsonText(text);
  if (!parsed.ok) return { problem: { line: parsed.problem.line, message: `Not valid JSON at line ${parsed.problem.line}, column ${parsed.problem.column}: ${parsed.problem.message}.` } };
  const shape = TemplateFile.safeParse(parsed.value);
  if (!shape.success) {
    const issue = shape.error.issues[0]!;
    return { problem: { message: `A template file holds { "name": "…", "description": "…" (optional), "schema": { … } }: ${issue.path.length ? `"${issue.path.join('.')}"` : 'the file'} ${issue.message.toLowerCase()}.` } };
  }
  const problems = checkJsonSchema(shape.data.schema);
  if (problems.length > 0) return { problem: { message: `Its schema cannot be used: ${problems.slice(0, 3).map(describeProblem).join('; ')}.` } };
  return { template: { name: shape.data.name, description: shape.data.description ?? '', builtIn: false, extractive: false, schema: shape.data.schema as JsonSchema, origin: 'file' } };
}
