/**
 * The attributes Hearth's spans carry (names in `schemas/rpc/traces.ts`, where the trace view reads them too)
 * and helpers that write them for a tool call, a retrieval and an agent step.
 */
import { spanAttributes, type RetrievalHit } from '../../../schemas/index.js';

/** The names, shared with the renderer's trace view through the contract. */
export const attr = spanAttributes;

export type AttributeValue = string | number | boolean | string[] | number[] | boolean[];
/** Attributes as callers write them: an undefined value is left out. */
export type Attributes = Record<string, AttributeValue | undefined>;

/** How long a JSON attribute (tool arguments, a schema) may be before it is cut: enough to read, not a copy of the data. */
const jsonLimit = 4000;

export function jsonAttribute(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? 'undefined';
  } catch (error) {
    // A value JSON cannot write (a cycle, a BigInt) is still worth a line in the trace.
    text = `unserializable: ${(error as Error).message}`;
  }
  return text.length > jsonLimit ? `${text.slice(0, jsonLimit - 1)}…` : text;
}

/** A tool call's span attributes (GenAI `execute_tool`). */
export function toolCallAttributes(call: { name: string; callId?: string | undefined; input: unknown }): Attributes {
  return {
    [attr.operationName]: 'execute_tool',
    [attr.toolName]: call.name,
    [attr.toolCallId]: call.callId,
    [attr.toolArguments]: jsonAttribute(call.input),
  };
}

/** What a tool call came to, set on its span when it returns. */
export function toolResultAttributes(result: { summary: string; replayed?: boolean | undefined }): Attributes {
  return { [attr.toolResult]: result.summary, [attr.toolReplayed]: result.replayed };
}

/** A retrieval's span attributes: the query, how many passages it found, and where each came from. */
export function retrievalAttributes(query: string, hits: readonly RetrievalHit[]): Attributes {
  return {
    [attr.operationName]: 'retrieval',
    [attr.retrievalQuery]: query,
    [attr.retrievalHits]: hits.length,
    [attr.retrievalSources]: hits.map((hit) => [hit.citation.documentName, ...hit.citation.headingPath].join(' › ')),
  };
}

/** An agent step's span attributes. */
export function agentStepAttributes(agent: string, step?: number | string): Attributes {
  return { [attr.agentName]: agent, [attr.agentStep]: step };
}

/** The attributes without their undefined values, as OpenTelemetry takes them. */
export function definedAttributes(attributes: Attributes | undefined): Record<string, AttributeValue> {
  const defined: Record<string, AttributeValue> = {};
  for (const [key, value] of Object.entries(attributes ?? {})) if (value !== undefined) defined[key] = value;
  return defined;
}
