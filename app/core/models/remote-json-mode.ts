/**
 * How a remote server is asked for JSON of a schema: OpenAI's `response_format: json_schema` (what OpenAI,
 * vLLM, LM Studio and llama-server take), vLLM's own `structured_outputs: { json }` (its field since
 * `guided_json` was removed in v0.12), or `guided_json` for older vLLM. Also which refusal means "not that
 * way": a 400 or 422 that names the response format.
 */
import { HearthError } from '../../../schemas/index.js';
import type { WireChatRequest } from './openai-wire.js';
import type { JsonSchema, ResponseFormat } from './types.js';

export type JsonMode = 'response_format' | 'structured_outputs' | 'guided_json';

/** The request's fields that carry the schema (already normalised), in the given mode. */
export function jsonModeFields(mode: JsonMode, format: ResponseFormat, schema: JsonSchema): Pick<WireChatRequest, 'response_format' | 'structured_outputs' | 'guided_json'> {
  if (mode === 'guided_json') return { guided_json: schema };
  if (mode === 'structured_outputs') return { structured_outputs: { json: schema } };
  // OpenAI refuses `strict: true` for a schema outside its strict subset, so it is asked only of one inside.
  return { response_format: { type: 'json_schema', json_schema: { name: wireSchemaName(format.name), schema, strict: fitsStrictMode(schema) } } };
}

/**
 * Whether a server's refusal is of `response_format` itself (it does not take json_schema, or not this
 * schema that way) rather than of the request: then asking the vLLM way may work.
 */
export function refusesResponseFormat(error: unknown): boolean {
  if (!(error instanceof HearthError) || error.code !== 'REMOTE_ERROR') return false;
  const status = (error.details as { status?: number } | undefined)?.status;
  return (status === 400 || status === 422) && /response_format|json_schema/i.test(error.message);
}

/**
 * Whether a refusal is of `response_format` itself (the server does not know the field), not of one schema
 * sent in it ("Invalid schema for response_format: 'format' is not permitted"): only the first means every
 * later request should go the other way too.
 */
export function refusesTheField(error: unknown): boolean {
  return refusesResponseFormat(error) && /not supported|unsupported|unknown|unrecognized|does not support|extra (?:fields?|inputs?)/i.test((error as Error).message);
}

/** OpenAI's names: letters, digits, `_` and `-`, at most 64. A user template's name may hold anything. */
export function wireSchemaName(name: string | undefined): string {
  const cleaned = (name ?? '').replace(/[^A-Za-z0-9_-]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 64);
  return cleaned || 'output';
}

/**
 * Whether a schema fits OpenAI's strict mode: every object closed (`additionalProperties: false`) and all
 * of its properties required. Hearth's zod templates with optional fields do not, and are sent non-strict;
 * the reply is validated either way.
 */
export function fitsStrictMode(schema: unknown): boolean {
  if (Array.isArray(schema)) return schema.every(fitsStrictMode);
  if (!schema || typeof schema !== 'object') return true;
  const node = schema as Record<string, unknown>;
  const properties = node.properties && typeof node.properties === 'object' ? (node.properties as Record<string, unknown>) : undefined;
  if (node.type === 'object' || properties) {
    const required = Array.isArray(node.required) ? node.required : [];
    if (node.additionalProperties !== false) return false;
    if (!Object.keys(properties ?? {}).every((key) => required.includes(key))) return false;
  }
  const children: unknown[] = [...Object.values(properties ?? {})];
  for (const keyword of ['items', 'prefixItems', 'anyOf', 'oneOf', 'allOf', 'not', 'additionalProperties'] as const) {
    if (node[keyword] !== undefined) children.push(node[keyword]);
  }
  for (const keyword of ['$defs', 'definitions'] as const) {
    const definitions = node[keyword];
    if (definitions && typeof definitions === 'object') children.push(...Object.values(definitions));
  }
  return children.every(fitsStrictMode);
}
