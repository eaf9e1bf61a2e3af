/**
 * Decides how one request is decoded, before it waits for a sequence: plain text; JSON under the
 * response format's grammar; tools in the template's own format (node-llama-cpp function calling, for
 * `auto` on a template that has one); or the grammar envelope (templates without a tool format, and
 * every `required` or named choice — a free model may never call a tool at all). It also writes what the
 * grammar cannot carry into the prompt: the tools and their descriptions, the schema's field
 * descriptions, and this request's tool choice; and it says which constraints go unenforced.
 */
import type { ChatHistoryItem, ChatModelFunctions, GbnfJsonSchema, LlamaGrammar } from 'node-llama-cpp';
import type { z } from 'zod';
import type { LlmChatParams } from '../../core/models/index.js';
import { toChatHistory, withRequestNote, withSystemText } from './chat-history.js';
import { grammarSchemaOf, unenforcedWarning } from './grammar-schema.js';
import type { LoadedModel } from './loaded-model.js';
import { envelopeChoiceText, envelopeSchema, envelopeToolsText, type EnvelopeTool } from './tool-envelope.js';

/** A chat request as the worker has checked it (defaults filled in). */
export type ChatParams = z.output<typeof LlmChatParams>;

export type ReplyPlan = {
  history: ChatHistoryItem[];
  warnings: string[];
} & (
  | { mode: 'text' }
  | { mode: 'json'; grammar: LlamaGrammar }
  | { mode: 'native-tools'; functions: ChatModelFunctions }
  | { mode: 'envelope'; grammar: LlamaGrammar; answerIsString: boolean }
);

const anyObject: GbnfJsonSchema = { type: 'object', additionalProperties: true };
const anyJsonValue: GbnfJsonSchema = {
  oneOf: [{ type: ['string', 'number', 'boolean', 'null'] }, anyObject, { type: 'array' }],
};

export async function planReply(model: LoadedModel, params: ChatParams): Promise<ReplyPlan> {
  const warnings: string[] = [];
  const history = toChatHistory(params.messages, model.info.toolCalling);
  const format = params.responseFormat ? grammarSchemaOf(params.responseFormat.schema) : undefined;
  if (format) addWarning(warnings, unenforcedWarning('the response format', format.unenforced));
  const formatNote = params.responseFormat ? describeFields(params.responseFormat.schema) : undefined;

  const choice = params.toolChoice;
  if (choice === 'none' || !params.tools?.length) {
    if (!format) return { mode: 'text', history, warnings };
    const grammar = await grammarOrAny(model, format.schema, 'the response format', warnings);
    return { mode: 'json', history: withRequestNote(history, formatNote!), grammar, warnings };
  }

  const tools: EnvelopeTool[] = [];
  for (const tool of params.tools) {
    const input = grammarSchemaOf(tool.inputSchema);
    addWarning(warnings, unenforcedWarning(`the input of tool "${tool.name}"`, input.unenforced));
    // Checked now, whichever way the tools go: node-llama-cpp builds a native call's grammar only when
    // the model starts the call, and one bad schema would break the whole envelope.
    const usable = await model.grammarFor(input.schema).then(
      () => true,
      (error: unknown) => {
        warnings.push(`Tool "${tool.name}": its input schema cannot be turned into a grammar (${(error as Error).message}); its input is any JSON object.`);
        return false;
      },
    );
    tools.push({ name: tool.name, ...(tool.description ? { description: tool.description } : {}), input: usable ? input.schema : anyObject });
  }

  if (choice === 'auto' && model.info.toolCalling === 'native' && !format) {
    const functions = Object.fromEntries(tools.map((tool) => [tool.name, { ...(tool.description ? { description: tool.description } : {}), params: tool.input }]));
    return { mode: 'native-tools', history, functions, warnings };
  }

  // The envelope: only the named tool, or any of them, and an answer only when the model may choose.
  const offered = typeof choice === 'object' ? tools.filter((tool) => tool.name === choice.tool) : tools;
  const answer = choice === 'auto' ? (format?.schema ?? { type: 'string' }) : undefined;
  const grammar = await grammarOrAny(model, envelopeSchema(offered, answer), 'the tool envelope', warnings);
  const notes = [envelopeChoiceText(choice, format !== undefined), ...(formatNote && answer ? [formatNote] : [])];
  const prompt = withRequestNote(withSystemText(history, envelopeToolsText(tools)), notes.join('\n'));
  return { mode: 'envelope', history: prompt, grammar, answerIsString: answer !== undefined && !format, warnings };
}

/** The grammar for a schema, or — said in a warning — one that holds the output to any JSON. */
async function grammarOrAny(model: LoadedModel, schema: GbnfJsonSchema, what: string, warnings: string[]): Promise<LlamaGrammar> {
  try {
    return await model.grammarFor(schema);
  } catch (error) {
    warnings.push(`${capitalize(what)} cannot be turned into a grammar (${(error as Error).message}); the output is held to JSON only, so validate it.`);
    return model.grammarFor(anyJsonValue);
  }
}

/**
 * What the schema's fields are for, in words: a grammar holds the shape but none of the descriptions,
 * so without this the model never learns what a field means.
 */
export function describeFields(schema: Record<string, unknown>): string {
  const lines: string[] = [];
  const visit = (node: unknown, path: string) => {
    if (!node || typeof node !== 'object' || Array.isArray(node)) return;
    const record = node as Record<string, unknown>;
    if (typeof record.description === 'string' && record.description.trim()) lines.push(`- ${path || '(the whole reply)'}: ${record.description.trim()}`);
    const properties = record.properties;
    if (properties && typeof properties === 'object') {
      for (const [key, value] of Object.entries(properties as Record<string, unknown>)) visit(value, path ? `${path}.${key}` : key);
    }
    if (record.items && typeof record.items === 'object') visit(record.items, `${path}[]`);
    for (const keyword of ['oneOf', 'anyOf'] as const) {
      const alternatives = record[keyword];
      if (Array.isArray(alternatives)) for (const alternative of alternatives) visit(alternative, path);
    }
  };
  visit(schema, '');
  return lines.length ? `Reply with JSON only. What the fields mean:\n${lines.join('\n')}` : 'Reply with JSON only.';
}

function addWarning(warnings: string[], warning: string | undefined): void {
  if (warning) warnings.push(warning);
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
