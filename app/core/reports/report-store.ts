/**
 * Reports as they are kept: one row per validated report — its template (and, for a user's, the schema it was
 * made by, so it renders again after the template is removed), the request, the validated object and its
 * numbered evidence. A row is written only once the object has validated.
 */
import { z } from 'zod';
import { Evidence, HearthError, type ReportSummary } from '../../../schemas/index.js';
import type { JsonSchema } from '../models/index.js';
import type { Db } from '../storage/index.js';

export interface StoredReport extends ReportSummary {
  templateBuiltIn: boolean;
  /** The user's JSON Schema it was made by (absent for Hearth's own templates). */
  templateSchema?: JsonSchema;
  value: unknown;
  evidence: Evidence[];
}

interface ReportRow {
  id: string;
  space_id: string;
  template_id: string;
  template_name: string;
  template_built_in: number;
  template_schema: string | null;
  title: string;
  request: string;
  extractive: number;
  model: string | null;
  repairs: number;
  value: string;
  evidence: string;
  created_at: string;
}

export class ReportStore {
  constructor(private readonly db: Db) {}

  insert(report: StoredReport): void {
    this.db
      .prepare(
        `INSERT INTO reports (id, space_id, template_id, template_name, template_built_in, template_schema, title, request, extractive, model, repairs, value, evidence, created_at)
         VALUES (@id, @spaceId, @templateId, @templateName, @builtIn, @schema, @title, @request, @extractive, @model, @repairs, @value, @evidence, @createdAt)`,
      )
      .run({
        id: report.id,
        spaceId: report.spaceId,
        templateId: report.templateId,
        templateName: report.templateName,
        builtIn: report.templateBuiltIn ? 1 : 0,
        schema: report.templateSchema ? JSON.stringify(report.templateSchema) : null,
        title: report.title,
        request: report.request,
        extractive: report.extractive ? 1 : 0,
        model: report.model ?? null,
        repairs: report.repairs,
        value: JSON.stringify(report.value),
        evidence: JSON.stringify(report.evidence),
        createdAt: report.createdAt,
      });
  }

  find(id: string): StoredReport | undefined {
    const row = this.db.prepare('SELECT * FROM reports WHERE id = ?').get(id) as ReportRow | undefined;
    return row ? toReport(row) : undefined;
  }

  get(id: string): StoredReport {
    const report = this.find(id);
    if (!report) throw new HearthError('NOT_FOUND', `There is no report with id ${id}.`, { reportId: id });
    return report;
  }

  /** A space's reports, newest first. */
  list(spaceId: string): ReportSummary[] {
    const rows = this.db.prepare('SELECT * FROM reports WHERE space_id = ? ORDER BY created_at DESC, rowid DESC').all(spaceId) as ReportRow[];
    return rows.map((row) => summaryOf(toReport(row)));
  }

  spaceOf(id: string): string | undefined {
    return (this.db.prepare('SELECT space_id FROM reports WHERE id = ?').get(id) as { space_id: string } | undefined)?.space_id;
  }

  deleteForSpace(spaceId: string): void {
    this.db.prepare('DELETE FROM reports WHERE space_id = ?').run(spaceId);
  }
}

export function summaryOf(report: StoredReport): ReportSummary {
  return {
    id: report.id,
    spaceId: report.spaceId,
    templateId: report.templateId,
    templateName: report.templateName,
    title: report.title,
    request: report.request,
    createdAt: report.createdAt,
    extractive: report.extractive,
    ...(report.model !== undefined ? { model: report.model } : {}),
    repairs: report.repairs,
  };
}

function toReport(row: ReportRow): StoredReport {
  return {
    id: row.id,
    spaceId: row.space_id,
    templateId: row.template_id,
    templateName: row.template_name,
    templateBuiltIn: row.template_built_in === 1,
    ...(row.template_schema !== null ? { templateSchema: JSON.parse(row.template_schema) as JsonSchema } : {}),
    title: row.title,
    request: row.request,
    createdAt: row.created_at,
    extractive: row.extractive === 1,
    ...(row.model !== null ? { model: row.model } : {}),
    repairs: row.repairs,
    value: JSON.parse(row.value) as unknown,
    // Read back through its schema: a row changed outside Hearth fails here, naming the field, not in a renderer.
    evidence: z.array(Evidence).parse(JSON.parse(row.evidence)),
  };
}
