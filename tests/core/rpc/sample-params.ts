/**
 * Valid params for any method of the contract, made from its zod schema (through JSON Schema): the smallest
 * value of every required field, with the ids of real things (a space, a document, a conversation, a job, a
 * report, one of its files, a trace) put wherever a field names one. So a test can call every method — including ones
 * added later — with params the dispatcher accepts, and see what the access check does.
 */
import { z } from 'zod';
import type { Citation } from '../../../schemas/index.js';

export interface KnownIds {
  spaceId: string;
  documentId: string;
  conversationId: string;
  jobId: string;
  reportId: string;
  artifactId: string;
  /** The trace of an answer in the space. */
  traceId: string;
  /** A task in the space. */
  taskId: string;
  /** An agent run (an `agent` job) in the space. */
  runId: string;
  citation: Citation;
}

type JsonSchema = Record<string, unknown>;

export function sampleParams(schema: z.ZodType, known: KnownIds): unknown {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const value = sample(json, json, known, undefined);
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new Error(`sampleParams made params the schema refuses: ${JSON.stringify(value)} — ${parsed.error.message}`);
  return value;
}

function sample(schema: JsonSchema, root: JsonSchema, known: KnownIds, key: string | undefined): unknown {
  if (key !== undefined && key in known) return known[key as keyof KnownIds];
  if (typeof schema.$ref === 'string') return sample(resolveRef(schema.$ref, root), root, known, key);
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  for (const union of ['anyOf', 'oneOf'] as const) {
    const options = schema[union];
    if (Array.isArray(options)) return sample(options[0] as JsonSchema, root, known, key);
  }
  if (Array.isArray(schema.allOf)) return sample(Object.assign({}, ...(schema.allOf as JsonSchema[])), root, known, key);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'object': {
      const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
      const required = new Set((schema.required ?? []) as string[]);
      return Object.fromEntries(Object.entries(properties).filter(([name]) => required.has(name)).map(([name, property]) => [name, sample(property, root, known, name)]));
    }
    case 'array': {
      const count = typeof schema.minItems === 'number' ? schema.minItems : 0;
      return Array.from({ length: count }, () => sample((schema.items ?? {}) as JsonSchema, root, known, undefined));
    }
    case 'string':
      if (schema.format === 'date-time') return new Date(0).toISOString();
      if (schema.format === 'date') return '1970-01-01';
      return 'x'.repeat(Math.max(1, typeof schema.minLength === 'number' ? schema.minLength : 1));
    case 'integer':
    case 'number':
      return typeof schema.minimum === 'number' ? schema.minimum : typeof schema.exclusiveMinimum === 'number' ? schema.exclusiveMinimum + 1 : 1;
    case 'boolean':
      return false;
    case 'null':
      return null;
    default:
      return {};
  }
}

function resolveRef(ref: string, root: JsonSchema): JsonSchema {
  if (!ref.startsWith('#/')) throw new Error(`sampleParams cannot follow ${ref}`);
  let at: unknown = root;
  for (const part of ref.slice(2).split('/')) at = (at as Record<string, unknown>)[part];
  return at as JsonSchema;
}
