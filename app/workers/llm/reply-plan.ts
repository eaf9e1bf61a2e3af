/**
 * Decides how one request is decoded, before it waits for a sequence: plain text; JSON under the
 * response format's grammar; tools in the template's own format (node-llama-cpp function calling, for
 * `auto` on a template that has one); or the grammar envelope (templates without a tool format, and
 * every `required` or named choice — a free model may never call a tool at all). Response formats and the
 * envelope are held by Hearth's schema compiler (core/sgr); native calls keep node-llama-cpp's own
 * grammar, built from its schema subset (grammar-schema.ts). It also writes what the grammar cannot
 * carry into the prompt — the tools and their descriptions, this request's tool choice (the schema's
 * field descriptions are the SGR pipeline's) — and says which constraints go unenforced.
 */
import type { ChatHistoryItem, ChatModelFunctions, LlamaGrammar } from 'node-llama-cpp';
import type { z } from 'zod';
import { HearthError } from '../../../schemas/index.js';
import type { JsonSchema, LlmChatParams } from '../../core/models/index.js';
import { compileJsonSchemaGrammar, type SchemaProblem } from '../../core/sgr/index.js';
import { toChatHistory, withRequestNote, withSystemText } from './chat-history.js';
import { grammarSchemaOf, unenforcedWarning } from './grammar-schema.js';
import type { LoadedModel } from './loaded-model.js';
import { envelopeChoiceText, envelopeJsonSchema, envelopeToolsText, type EnvelopeTool } from './tool-envelope.js';

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

const anyObject: JsonSchema = { type: 'object' };

export async function planReply(model: LoadedModel, params: ChatParams): Promise<ReplyPlan> {
  const warnings: string[] = [];
  const history = toChatHistory(params.messages, model.info.toolCalling);
  const formatSchema = params.responseFormat?.schema;
  // The schema's field descriptions are not written here: the SGR pipeline (core/sgr/schema-prompt.ts)
  // owns that note and puts it in the prompt for every model, local or remote (decision 37).

  const choice = params.toolChoice;
  if (choice === 'none' || !params.tools?.length) {
    if (!formatSchema) return { mode: 'text', history, warnings };
    const gbnf = compiled(formatSchema, 'the response format', warnings);
    return { mode: 'json', history, grammar: await grammarOrAny(model, gbnf, 'the response format', warnings), warnings };
  }

  if (choice === 'auto' && model.info.toolCalling === 'native' && !formatSchema) {
    const functions: Record<string, ChatModelFunctions[string]> = {};
    for (const tool of params.tools) {
      const input = grammarSchemaOf(tool.inputSchema);
      addWarning(warnings, unenforcedWarning(`the input of tool "${tool.name}"`, input.unenforced));
      // Checked now: node-llama-cpp builds a native call's grammar only when the model starts the call.
      const usable = await model.grammarFor(input.schema).then(
        () => true,
        (error: unknown) => {
          warnings.push(`Tool "${tool.name}": its input schema cannot be turned into a grammar (${(error as Error).message}); its input is any JSON object.`);
          return false;
        },
      );
      functions[tool.name] = { ...(tool.description ? { description: tool.description } : {}), params: usable ? input.schema : { type: 'object', additionalProperties: true } };
    }
    return { mode: 'native-tools', history, functions, warnings };
  }

  const tools: EnvelopeTool[] = params.tools.map((tool) => {
    const usable = compiled(tool.inputSchema, `the input of tool "${tool.name}"`, warnings) !== undefined;
    return {
      name: tool.name,
      ...(tool.description ? { description: tool.description } : {}),
      inputSchema: usable ? tool.inputSchema : anyObject,
      documented: grammarSchemaOf(usable ? tool.inputSchema : anyObject).schema,
    };
  });
  // The envelope: only the named tool, or any of them, and an answer only when the model may choose.
  const offered = typeof choice === 'object' ? tools.filter((tool) => tool.name === choice.tool) : tools;
  const answerFormat = formatSchema && compiled(formatSchema, 'the response format', warnings) !== undefined ? formatSchema : formatSchema ? {} : undefined;
  const answer = choice === 'auto' ? (answerFormat ?? { type: 'string' }) : undefined;
  // The tools' and the answer's unenforced keywords were said above; only the envelope's own failure is new.
  const envelopeNotes: string[] = [];
  const envelope = compiled(envelopeJsonSchema(offered, answer), 'the tool envelope', envelopeNotes);
  if (envelope === undefined) warnings.push(...envelopeNotes);
  const prompt = withRequestNote(withSystemText(history, envelopeToolsText(tools)), envelopeChoiceText(choice, formatSchema !== undefined));
  return { mode: 'envelope', history: prompt, grammar: await grammarOrAny(model, envelope, 'the tool envelope', warnings), answerIsString: answer !== undefined && !formatSchema, warnings };
}

/** The compiled grammar of a schema, with a warning for what it leaves to validation; undefined (and a warning) when it cannot be compiled. */
function compiled(schema: JsonSchema, what: string, warnings: string[]): string | undefined {
  try {
    const grammar = compileJsonSchemaGrammar(schema);
    addWarning(warnings, unenforcedWarning(what, grammar.unsupported.map(describeProblem)));
    return grammar.gbnf;
  } catch (error) {
    // A schema the compiler refuses (or a fault in it) costs the constraint, not the reply.
    const reason = error instanceof HearthError ? error.message : `the schema compiler failed: ${(error as Error).message}`;
    warnings.push(`${capitalize(what)} cannot be turned into a grammar (${reason}); the output is held to JSON only, so validate it.`);
    return undefined;
  }
}

/** llama.cpp's parse of a compiled grammar; JSON of any shape when there is none or llama.cpp refuses it (said in a warning). */
async function grammarOrAny(model: LoadedModel, gbnf: string | undefined, what: string, warnings: string[]): Promise<LlamaGrammar> {
  if (gbnf !== undefined) {
    try {
      return await model.grammarOf(gbnf);
    } catch (error) {
      warnings.push(`llama.cpp could not read the grammar of ${what} (${(error as Error).message}); the output is held to JSON only, so validate it.`);
    }
  }
  return model.grammarOf(compileJsonSchemaGrammar(true).gbnf);
}

/** `pattern at /properties/code`: the keyword, and where the schema holding it is. */
function describeProblem(problem: SchemaProblem): string {
  const keyword = problem.keyword ?? 'a constraint';
  const holder = problem.keyword && problem.pointer.endsWith(`/${problem.keyword}`) ? problem.pointer.slice(0, -problem.keyword.length - 1) : problem.pointer;
  return `${keyword} at ${holder || '/'}`;
}

function addWarning(warnings: string[], warning: string | undefined): void {
  if (warning) warnings.push(warning);
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
