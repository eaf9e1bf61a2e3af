/**
 * The SGR pipeline, one function for every ChatModel, local or remote: a schema (zod for Hearth's own
 * templates, a JSON Schema for a user's or a client's) → a prompt carrying the schema's field descriptions
 * → generation held to the schema (the model's response format: a compiled grammar locally,
 * `response_format` remotely) → validation (zod with its semantic checks, or ajv) → a bounded repair loop
 * that shows the model its last output and the exact errors → a validated value, or OUTPUT_INVALID naming
 * the fields that never validated.
 */
import { z } from 'zod';
import { HearthError } from '../../../schemas/index.js';
import { completeChat, normalizeJsonSchema, type ChatMessage, type ChatModel, type FinishReason, type JsonSchema, type TokenUsage } from '../models/index.js';
import { checkJsonSchema, jsonValidator } from './json-schema.js';
import { withSchemaNote } from './schema-prompt.js';
import { pointerOf } from './json-pointer.js';

export type StructuredSchema<T> = { zod: z.ZodType<T>; name?: string } | { json: JsonSchema; name?: string };

export type StructuredStep =
  | { type: 'drafting' }
  | { type: 'validating'; attempt: number }
  /** `errors` as "/pointer: message", the words the model is shown. */
  | { type: 'repairing'; round: number; errors: string[] };

export interface StructuredRequest<T> {
  model: ChatModel;
  schema: StructuredSchema<T>;
  system?: string;
  messages: ChatMessage[];
  /**
   * Checks of a value that matched the schema, for what a schema cannot say (a user template's citations
   * within the evidence): errors as "/pointer: message", repaired like the schema's own.
   */
  checks?: (value: T) => string[];
  /** Rounds of repair after the first draft. Default 3. */
  maxRepairs?: number;
  maxTokens?: number;
  temperature?: number;
  seed?: number;
  stop?: string[];
  signal?: AbortSignal;
  onStep?: (step: StructuredStep) => void;
}

export interface StructuredResult<T> {
  value: T;
  /** The model's reply that validated, as it wrote it. */
  text: string;
  repairs: number;
  /** What the model boundary said along the way (constraints the grammar could not hold…), each once. */
  warnings: string[];
  /** Every round's tokens together. */
  usage?: TokenUsage;
}

export type Verdict<T> = { ok: true; value: T } | { ok: false; errors: string[] };

/** A schema made ready for one run: what the model is held to, and how a reply is judged. */
export interface OutputCheck<T> {
  /** The schema's name for servers that ask for one, when it has one. */
  name?: string;
  /** The schema as the model boundary gets it (normalised: no `$schema`, no `$id`). */
  jsonSchema: JsonSchema;
  /** The value when the reply validates, or its errors as "/pointer: message". */
  judge(text: string, finish: FinishReason): Verdict<T>;
}

/** The most errors shown to the model (and put in a failure's message); the rest are counted. */
const shownErrors = 20;

/**
 * Prepares a schema: a zod schema becomes its JSON Schema; a JSON Schema is checked first and refused
 * with SCHEMA_INVALID or SCHEMA_TOO_LARGE naming the pointer of the first problem.
 */
export function outputCheckOf<T>(schema: StructuredSchema<T>): OutputCheck<T> {
  const named = schema.name ? { name: schema.name } : {};
  if ('zod' in schema) {
    const zodSchema = schema.zod;
    let jsonSchema: JsonSchema;
    try {
      jsonSchema = normalizeJsonSchema(z.toJSONSchema(zodSchema) as JsonSchema);
    } catch (error) {
      throw new HearthError('SCHEMA_INVALID', `The schema${schema.name ? ` "${schema.name}"` : ''} cannot be written as a JSON Schema: ${(error as Error).message}`, { pointer: '' });
    }
    return {
      ...named,
      jsonSchema,
      judge: (text, finish) => {
        const parsed = parseReply(text, finish);
        if (!parsed.ok) return parsed;
        const result = zodSchema.safeParse(parsed.value);
        return result.success ? { ok: true, value: result.data } : { ok: false, errors: result.error.issues.map(zodIssueText) };
      },
    };
  }
  refuseUnusable(schema.json, schema.name);
  // ajv reads `$schema` to pick the draft: it gets the schema as given, the model its normalised copy.
  const validate = jsonValidator(schema.json);
  return {
    ...named,
    jsonSchema: normalizeJsonSchema(schema.json),
    judge: (text, finish) => {
      const parsed = parseReply(text, finish);
      if (!parsed.ok) return parsed;
      const issues = validate(parsed.value);
      return issues.length === 0 ? { ok: true, value: parsed.value as T } : { ok: false, errors: issues.map((issue) => `${issue.pointer || '/'}: ${issue.message}`) };
    },
  };
}

/** Draft, validate, repair: see the module's first lines. */
export async function generateStructured<T = unknown>(request: StructuredRequest<T>): Promise<StructuredResult<T>> {
  const check = outputCheckOf(request.schema);
  const maxRepairs = request.maxRepairs ?? 3;
  const asked: ChatMessage[] = [...(request.system ? [{ role: 'system' as const, content: request.system }] : []), ...request.messages];
  const base = withSchemaNote(asked, check.jsonSchema);
  const warnings: string[] = [];
  let usage: TokenUsage | undefined;
  let messages = base;
  request.onStep?.({ type: 'drafting' });
  for (let round = 0; ; round++) {
    if (request.signal?.aborted) throw cancelled();
    const reply = await draft(request, check, messages);
    if (reply.finishReason === 'cancelled') throw cancelled();
    for (const warning of reply.warnings) if (!warnings.includes(warning)) warnings.push(warning);
    if (reply.usage) usage = addUsage(usage, reply.usage);
    request.onStep?.({ type: 'validating', attempt: round + 1 });
    const verdict = checked(reply.verdict ?? check.judge(reply.text, reply.finishReason), request.checks);
    if (verdict.ok) return { value: verdict.value, text: reply.text, repairs: round, warnings, ...(usage ? { usage } : {}) };
    if (round >= maxRepairs) {
      const what = check.name ? `the schema "${check.name}"` : 'its schema';
      throw new HearthError(
        'OUTPUT_INVALID',
        `The model's output never validated against ${what} (${round + 1} ${round === 0 ? 'try' : 'tries'}): ${listed(verdict.errors, '; ')}`,
        { errors: verdict.errors, lastOutput: reply.text },
      );
    }
    request.onStep?.({ type: 'repairing', round: round + 1, errors: verdict.errors });
    // Only the latest attempt is shown: the context stays bounded, and the base prompt stays one prefix.
    messages = [...base, { role: 'assistant', content: reply.text }, { role: 'user', content: repairRequest(verdict.errors) }];
  }
}

interface Draft {
  text: string;
  finishReason: FinishReason;
  warnings: string[];
  usage?: TokenUsage;
  /** Set when the model boundary itself judged the reply (a Hearth server that validated it). */
  verdict?: Verdict<never>;
}

async function draft<T>(request: StructuredRequest<T>, check: OutputCheck<T>, messages: ChatMessage[]): Promise<Draft> {
  try {
    return await completeChat(
      request.model,
      {
        messages,
        responseFormat: { schema: check.jsonSchema, ...(check.name ? { name: check.name } : {}) },
        ...(request.maxTokens !== undefined ? { maxTokens: request.maxTokens } : {}),
        ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
        ...(request.seed !== undefined ? { seed: request.seed } : {}),
        ...(request.stop?.length ? { stop: request.stop } : {}),
      },
      request.signal ? { signal: request.signal } : {},
    );
  } catch (error) {
    // A Hearth server validates what it streams and ends a reply that does not validate with OUTPUT_INVALID,
    // the output and its errors in the details: that is a round to repair, not the end of the run.
    const details = error instanceof HearthError && error.code === 'OUTPUT_INVALID' ? relayedFailure(error.details) : undefined;
    if (!details) throw error;
    return { text: details.lastOutput, finishReason: 'stop', warnings: [], verdict: { ok: false, errors: details.errors } };
  }
}

function checked<T>(verdict: Verdict<T>, checks: ((value: T) => string[]) | undefined): Verdict<T> {
  if (!verdict.ok || !checks) return verdict;
  const errors = checks(verdict.value);
  return errors.length ? { ok: false, errors } : verdict;
}

function relayedFailure(details: unknown): { errors: string[]; lastOutput: string } | undefined {
  const parsed = z.object({ errors: z.array(z.string()).min(1), lastOutput: z.string() }).safeParse(details);
  return parsed.success ? parsed.data : undefined;
}

/** The reply's JSON, or why there is none in the words a repair round shows the model. */
function parseReply(text: string, finish: FinishReason): { ok: true; value: unknown } | { ok: false; errors: string[] } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    if (finish === 'length') return { ok: false, errors: ['/: the reply was cut off at the token limit before its JSON was complete; write a shorter value.'] };
    if (!text.trim()) return { ok: false, errors: ['/: the reply was empty; write the JSON value.'] };
    return { ok: false, errors: [`/: the reply is not JSON (${(error as Error).message}); write JSON only, no other text.`] };
  }
}

/** A zod issue as "/pointer: message", a missing field said as missing. */
export function zodIssueText(issue: z.core.$ZodIssue): string {
  const pointer = pointerOf(issue.path);
  if (issue.code === 'invalid_type' && /received undefined$/.test(issue.message)) return `${pointer}: required, but missing (expected ${issue.expected})`;
  return `${pointer}: ${issue.message}`;
}

function refuseUnusable(schema: JsonSchema, name: string | undefined): void {
  const problems = checkJsonSchema(schema);
  const first = problems[0];
  if (!first) return;
  const where = first.pointer || '/';
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
  const code = problems.some((problem) => isSizeProblem(problem.keyword)) ? 'SCHEMA_TOO_LARGE' : 'SCHEMA_INVALID';
  throw new HearthError(code, `The schema${name ? ` "${name}"` : ''} cannot be used: ${where}: ${first.message}${more}`, { pointer: first.pointer, problems });
}

/** checkJsonSchema marks a schema past the size or rule limits with the keyword `size`. */
function isSizeProblem(keyword: string | undefined): boolean {
  return keyword === 'size';
}

function repairRequest(errors: string[]): string {
  return [
    'That JSON does not match the schema. Fix exactly these problems, keep everything else, and reply with the whole corrected JSON value only:',
    ...errors.slice(0, shownErrors).map((error) => `- ${error}`),
    ...(errors.length > shownErrors ? [`- … and ${errors.length - shownErrors} more of the same kind.`] : []),
  ].join('\n');
}

function listed(errors: string[], separator: string): string {
  const shown = errors.slice(0, shownErrors).join(separator);
  return errors.length > shownErrors ? `${shown}${separator}… and ${errors.length - shownErrors} more` : shown;
}

function addUsage(total: TokenUsage | undefined, round: TokenUsage): TokenUsage {
  if (!total) return { ...round };
  const cached = (total.cachedPromptTokens ?? 0) + (round.cachedPromptTokens ?? 0);
  return {
    promptTokens: total.promptTokens + round.promptTokens,
    completionTokens: total.completionTokens + round.completionTokens,
    // The wait for the first token of the first draft is the one the user felt.
    timeToFirstTokenMs: total.timeToFirstTokenMs,
    ...(total.cachedPromptTokens !== undefined || round.cachedPromptTokens !== undefined ? { cachedPromptTokens: cached } : {}),
  };
}

function cancelled(): HearthError {
  return new HearthError('CANCELLED', 'The structured output was cancelled.');
}
