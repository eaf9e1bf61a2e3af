/**
 * The middle of a report's job: from its evidence to a validated object. With a language model, the SGR
 * pipeline drafts it against the template's schema and repairs it from the exact validation errors (each
 * round a step of the job); without one, Summary and Report are made extractively and checked the same way.
 * Either way every citation is checked against the evidence — inside the repair loop, so a model that cites
 * a passage it was not given is told so and corrects it — and no number outside it is ever kept.
 */
import { HearthError, builtInTemplates, type Evidence, type ReportProgress } from '../../../schemas/index.js';
import type { ChatModel } from '../models/index.js';
import { escapePointer, generateStructured, type StructuredStep } from '../sgr/index.js';
import { draftingInstructions, draftingRequest } from './evidence.js';
import { extractiveReport, extractiveSummary } from './extractive.js';
import type { Template } from './templates.js';

/** Repair rounds a model gets before the report fails with the last errors. */
export const maxRepairs = 3;

export interface DraftRequest {
  template: Template;
  evidence: Evidence[];
  request: string;
  /** The leased model, or undefined to build the report extractively. */
  model: ChatModel | undefined;
  signal: AbortSignal;
  /** A step of the journal and the progress shown with it. */
  onStep(step: string, progress: ReportProgress, detail?: string): void;
}

export interface Draft {
  value: unknown;
  repairs: number;
  extractive: boolean;
}

export async function draftReport({ template, evidence, request, model, signal, onStep }: DraftRequest): Promise<Draft> {
  const today = new Date().toLocaleDateString('en-CA'); // YYYY-MM-DD in the user's time zone
  const context = { evidenceCount: evidence.length, today };
  if (!model) {
    if (!template.builtIn || !template.extractive) throw needsModel(template);
    onStep('drafting', { step: 'drafting', fraction: 0.3 }, 'extractive');
    const value = template.id === 'summary' ? extractiveSummary(evidence, request) : extractiveReport(evidence, request);
    onStep('validating', { step: 'validating', fraction: 0.6 }, 'attempt 1');
    const checked = builtInTemplates[template.id].schema(context).safeParse(value);
    if (!checked.success) {
      // Hearth's own extractive builder made an object its template refuses: a bug to report, with the errors.
      const errors = checked.error.issues.map((issue) => `/${issue.path.join('/')}: ${issue.message}`);
      throw new HearthError('OUTPUT_INVALID', `The extractive ${template.name} did not validate: ${errors[0]}`, { errors });
    }
    return { value: checked.data, repairs: 0, extractive: true };
  }

  const onStructuredStep = (step: StructuredStep) => {
    if (step.type === 'drafting') onStep('drafting', { step: 'drafting', fraction: 0.2 });
    else if (step.type === 'validating') onStep('validating', { step: 'validating', fraction: 0.6 }, `attempt ${step.attempt}`);
    else onStep('repairing', { step: 'repairing', round: step.round, errors: step.errors.slice(0, 50), fraction: Math.min(0.8, 0.6 + 0.05 * step.round) }, step.errors.slice(0, 50).join('\n'));
  };
  const result = await generateStructured<unknown>({
    model,
    schema: template.builtIn ? { zod: builtInTemplates[template.id].schema(context), name: template.id } : { json: template.schema, name: nameOf(template) },
    system: draftingInstructions(template, evidence.length, today),
    messages: [{ role: 'user', content: draftingRequest(evidence, request) }],
    checks: (value) => citationErrors(value, evidence.length),
    maxRepairs,
    temperature: 0.2,
    signal,
    onStep: onStructuredStep,
  });
  return { value: result.value, repairs: result.repairs, extractive: false };
}

/** Refused at the start (and after a restart without the model): which model the template needs. */
export function needsModel(template: Pick<Template, 'name'>): HearthError {
  return new HearthError(
    'MODEL_NOT_FOUND',
    `A "${template.name}" needs a language model to write it, and none is configured: add an llm entry to models.toml (a local GGUF chat model, or an OpenAI-compatible server) on the Models page. Without one, only Summary and Report can be made, from the passages alone.`,
    { template: template.name, needs: 'llm' },
  );
}

/**
 * Every `citations` array in the object must hold passage numbers within the evidence. Hearth's own templates
 * bound them in their schema already (so the repair loop sees the error); a user's schema may have such fields
 * or not — only fields named `citations` are checked, since nothing else says a number means a passage.
 */
export function citationErrors(value: unknown, evidenceCount: number): string[] {
  const errors: string[] = [];
  const walk = (node: unknown, pointer: string) => {
    if (Array.isArray(node)) return node.forEach((item, index) => walk(item, `${pointer}/${index}`));
    if (typeof node !== 'object' || node === null) return;
    for (const [key, child] of Object.entries(node)) {
      const at = `${pointer}/${escapePointer(key)}`;
      if (key === 'citations' && Array.isArray(child)) {
        child.forEach((number, index) => {
          if (!Number.isInteger(number) || number < 1 || number > evidenceCount) {
            errors.push(`${at}/${index}: ${JSON.stringify(number)} is not one of the passages retrieved for this report (1 to ${evidenceCount})`);
          }
        });
      } else walk(child, at);
    }
  };
  walk(value, '');
  return errors;
}

/** A schema name as OpenAI-compatible servers accept it (letters, digits, _ and -). */
const nameOf = (template: Template) => template.name.replace(/[^A-Za-z0-9_-]+/g, '_').slice(0, 64) || 'template';
