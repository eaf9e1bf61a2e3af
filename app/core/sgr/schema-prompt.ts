/**
 * The words that go with a schema into the prompt. A grammar (local) or a server's response format
 * (remote) holds the output's shape but none of its field descriptions, so without this note the model
 * never learns what a field means. The SGR pipeline is the one place that writes it, for every model;
 * the note is recognised by its text, so a request that already carries it (a Hearth client talking to a
 * Hearth server, both running the pipeline) is not given it twice.
 */
import type { ChatMessage, JsonSchema } from '../models/index.js';
import { escapePointer } from './json-pointer.js';

/** Field descriptions a note holds at most: past this a prompt is all schema and no request. */
const maxNoteLines = 200;

/**
 * What the schema's fields are for, one line per described field (`sections[].claims[].text: …`), and
 * the reminder to write JSON only. Only descriptions: the schema itself is left out, since a model shown
 * a whole schema tends to write the schema back instead of a value of it.
 */
export function describeFields(schema: JsonSchema): string {
  const lines = new Set<string>();
  const definitions = definitionsOf(schema);
  // Each definition is described once, where it is first met: a schema whose definitions refer to each other
  // twice over (a → b, b twice → c, …) would otherwise be walked 2^depth times.
  const described = new Set<string>();
  const visit = (node: unknown, path: string) => {
    if (!node || typeof node !== 'object' || Array.isArray(node) || lines.size >= maxNoteLines) return;
    const record = node as Record<string, unknown>;
    if (typeof record.$ref === 'string') {
      const target = definitions.get(record.$ref);
      if (target && !described.has(record.$ref)) {
        described.add(record.$ref);
        visit(target, path);
      }
    }
    if (typeof record.description === 'string' && record.description.trim()) {
      lines.add(`- ${path || '(the whole reply)'}: ${record.description.trim().replace(/\s+/g, ' ')}`);
    }
    const properties = record.properties;
    if (properties && typeof properties === 'object') {
      for (const [key, value] of Object.entries(properties as Record<string, unknown>)) visit(value, path ? `${path}.${key}` : key);
    }
    // Draft-07 writes a tuple as an array of `items`; 2020-12 as `prefixItems`.
    const tuple = Array.isArray(record.prefixItems) ? record.prefixItems : Array.isArray(record.items) ? record.items : undefined;
    tuple?.forEach((item: unknown, index: number) => visit(item, `${path}[${index}]`));
    if (record.items && typeof record.items === 'object' && !Array.isArray(record.items)) visit(record.items, `${path}[]`);
    if (record.additionalProperties && typeof record.additionalProperties === 'object') visit(record.additionalProperties, `${path}.*`);
    for (const keyword of ['oneOf', 'anyOf', 'allOf'] as const) {
      const alternatives = record[keyword];
      if (Array.isArray(alternatives)) for (const alternative of alternatives) visit(alternative, path);
    }
  };
  visit(schema, '');
  return lines.size ? `Reply with JSON only. What the fields mean:\n${[...lines].join('\n')}` : 'Reply with JSON only.';
}

/**
 * The messages with the schema's note added to the first system message (or a system message put first),
 * where it stays the same for every round of a repair and every turn of a conversation; unchanged when a
 * message already carries this very note.
 */
export function withSchemaNote(messages: readonly ChatMessage[], schema: JsonSchema): ChatMessage[] {
  const note = describeFields(schema);
  if (messages.some((message) => message.content.includes(note))) return [...messages];
  const [first, ...rest] = messages;
  if (first?.role === 'system') return [{ role: 'system', content: first.content.trim() ? `${first.content}\n\n${note}` : note }, ...rest];
  return [{ role: 'system', content: note }, ...messages];
}

/** Local definitions by the `$ref` that names them (`#/$defs/x`, `#/definitions/x`). */
function definitionsOf(schema: JsonSchema): Map<string, unknown> {
  const found = new Map<string, unknown>();
  for (const keyword of ['$defs', 'definitions'] as const) {
    const defs = schema[keyword];
    if (!defs || typeof defs !== 'object') continue;
    for (const [name, definition] of Object.entries(defs as Record<string, unknown>)) found.set(`#/${keyword}/${escapePointer(name)}`, definition);
  }
  return found;
}

