/**
 * Tool calls for templates without a tool format of their own, and whenever a call is required: the model
 * writes one JSON object under a grammar — `{"tool": <name>, "input": <that tool's input>}` for a call
 * or, when allowed, `{"answer": <the reply>}` — and the JSON is read back into a tool-call or text event.
 * A string answer is streamed as it is decoded, so a plain reply still arrives piece by piece.
 */
import { ChatModelFunctionsDocumentationGenerator, type ChatModelFunctions, type GbnfJsonSchema } from 'node-llama-cpp';
import type { JsonSchema } from '../../core/models/index.js';

export interface EnvelopeTool {
  name: string;
  description?: string;
  /** What the grammar holds the input to. */
  inputSchema: JsonSchema;
  /** The same in node-llama-cpp's subset, for the tools' description in the prompt. */
  documented: GbnfJsonSchema;
}

/**
 * The envelope as one JSON Schema: a call of one of the tools, or (when allowed) an answer of `answer`
 * shape. Each tool's schema (and the answer's) moves under `$defs`, its local `$ref`s rebased to match.
 */
export function envelopeJsonSchema(tools: readonly EnvelopeTool[], answer: JsonSchema | undefined): JsonSchema {
  const $defs: Record<string, unknown> = {};
  const alternatives: JsonSchema[] = tools.map((tool, i) => {
    $defs[`tool${i}`] = rebased(tool.inputSchema, `#/$defs/tool${i}`);
    return {
      type: 'object',
      properties: { tool: { const: tool.name }, input: { $ref: `#/$defs/tool${i}` } },
      required: ['tool', 'input'],
      additionalProperties: false,
    };
  });
  if (answer) {
    $defs.answer = rebased(answer, '#/$defs/answer');
    alternatives.push({ type: 'object', properties: { answer: { $ref: '#/$defs/answer' } }, required: ['answer'], additionalProperties: false });
  }
  return { anyOf: alternatives, $defs };
}

/** A schema moved to `base`: its `$ref`s to its own root (`#…`) now start at `base`, and `$schema`/`$id` go. */
function rebased(node: unknown, base: string): unknown {
  if (Array.isArray(node)) return node.map((item) => rebased(item, base));
  if (typeof node !== 'object' || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '$schema' || key === '$id') continue;
    out[key] = key === '$ref' && typeof value === 'string' && (value === '#' || value.startsWith('#/')) ? `${base}${value.slice(1)}` : rebased(value, base);
  }
  return out;
}

/** What the system prompt says about the tools (the same whichever tool choice a request makes). */
export function envelopeToolsText(tools: readonly EnvelopeTool[]): string {
  const functions: ChatModelFunctions = Object.fromEntries(
    tools.map((tool) => [tool.name, { ...(tool.description ? { description: tool.description } : {}), params: tool.documented }]),
  );
  const signatures = new ChatModelFunctionsDocumentationGenerator(functions).getTypeScriptFunctionSignatures({ documentParams: true });
  return [
    'You can call the tools below. To call one, reply with one JSON object and nothing else:',
    '{"tool": "<tool name>", "input": <its input>}',
    'The result of the call comes back in the next message.',
    '',
    'Tools:',
    signatures,
  ].join('\n');
}

/** This request's rule, told at the end of the prompt. */
export function envelopeChoiceText(choice: 'auto' | 'required' | { tool: string }, answerIsJson: boolean): string {
  if (typeof choice === 'object') return `Call the tool "${choice.tool}" now.`;
  if (choice === 'required') return 'Call one of the tools now.';
  return `Call a tool if one helps; otherwise reply {"answer": ${answerIsJson ? '<the JSON answer>' : '"<your reply>"'}}.`;
}

/** A call as the model writes it under the envelope grammar, for the history of later turns. */
export function envelopeText(name: string, input: unknown): string {
  return JSON.stringify({ tool: name, input: input ?? {} });
}

export type EnvelopeOutcome =
  | { kind: 'tool-call'; name: string; input: unknown }
  /** `text` is what has not been streamed yet (a JSON answer; a string answer streams as it comes). */
  | { kind: 'answer'; text: string }
  | { kind: 'unreadable'; message: string; raw: string };

const opening = /^\s*\{\s*"(tool|answer)"\s*:\s*/;
const escapes: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/** Reads the envelope as it is generated. */
export class EnvelopeReader {
  private text = '';
  private kind: 'unknown' | 'tool' | 'answer-string' | 'answer-json' | 'answer-done' = 'unknown';
  /** Where decoding of a string answer goes on. */
  private cursor = 0;
  /** A high surrogate from a `\u` escape, held until its low half is decoded. */
  private heldSurrogate = '';

  constructor(private readonly answerIsString: boolean) {}

  /** Takes the next generated text; returns the answer text to stream now ('' when there is none). */
  push(chunk: string): string {
    this.text += chunk;
    if (this.kind === 'unknown') {
      const match = opening.exec(this.text);
      if (!match) return '';
      if (match[1] === 'tool') this.kind = 'tool';
      else if (!this.answerIsString) this.kind = 'answer-json';
      else {
        if (this.text.length <= match[0].length) return ''; // the opening quote is not there yet
        this.kind = 'answer-string';
        this.cursor = match[0].length + 1;
      }
    }
    return this.kind === 'answer-string' ? this.decode() : '';
  }

  /** The whole envelope, once generation has stopped. */
  finish(): EnvelopeOutcome {
    let parsed: unknown;
    try {
      parsed = JSON.parse(this.text);
    } catch {
      return this.unfinished();
    }
    if (isObject(parsed) && typeof parsed.tool === 'string') return { kind: 'tool-call', name: parsed.tool, input: parsed.input };
    if (isObject(parsed) && 'answer' in parsed) {
      return { kind: 'answer', text: typeof parsed.answer === 'string' && this.answerIsString ? '' : JSON.stringify(parsed.answer) };
    }
    return { kind: 'unreadable', message: 'The model wrote JSON that is neither a tool call nor an answer.', raw: this.text };
  }

  private unfinished(): EnvelopeOutcome {
    switch (this.kind) {
      case 'answer-string':
      case 'answer-done':
        return { kind: 'answer', text: this.heldSurrogate }; // what was streamed is the answer, cut short
      case 'answer-json':
        return { kind: 'answer', text: this.text.replace(opening, '') };
      case 'tool': {
        const name = /"tool"\s*:\s*"([^"]*)"/.exec(this.text)?.[1];
        return {
          kind: 'unreadable',
          message: `The model's call${name ? ` of "${name}"` : ''} stopped before its JSON was complete, so no call was made.`,
          raw: this.text,
        };
      }
      default:
        return { kind: 'unreadable', message: 'The model stopped before it wrote a tool call or an answer.', raw: this.text };
    }
  }

  private decode(): string {
    let out = this.heldSurrogate;
    this.heldSurrogate = '';
    const text = this.text;
    while (this.cursor < text.length) {
      const char = text[this.cursor]!;
      if (char === '"') {
        this.kind = 'answer-done';
        break;
      }
      if (char !== '\\') {
        out += char;
        this.cursor++;
        continue;
      }
      const escaped = text[this.cursor + 1];
      if (escaped === undefined) break; // the rest of the escape is still to come
      if (escaped === 'u') {
        if (this.cursor + 6 > text.length) break;
        out += String.fromCharCode(Number.parseInt(text.slice(this.cursor + 2, this.cursor + 6), 16));
        this.cursor += 6;
        continue;
      }
      out += escapes[escaped] ?? escaped;
      this.cursor += 2;
    }
    const last = out.charCodeAt(out.length - 1);
    if (last >= 0xd800 && last <= 0xdbff) {
      this.heldSurrogate = out.slice(-1);
      out = out.slice(0, -1);
    }
    return out;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
