/**
 * What every reply from a remote server goes through on its way to the caller: tool calls streamed in
 * pieces joined into whole calls, their arguments parsed, a JSON reply checked when a response format was
 * asked for, warnings said once, and an error event that ends a stream turned into a HearthError.
 */
import { HearthError } from '../../../schemas/index.js';
import type { WireError } from './openai-wire.js';
import { jsonReplyProblem, type ChatEvent, type ChatRequest, type FinishReason, type TokenUsage } from './types.js';

/**
 * An error event that ended a stream. A Hearth server ends a reply that did not match its schema with
 * `output_invalid`, the errors and the output: OUTPUT_INVALID, which the SGR pipeline repairs like its own.
 */
export function streamedFailure(failure: WireError, server: string): HearthError {
  const error: { message: string; code?: string | null; errors?: string[]; raw?: string } = typeof failure.error === 'string' ? { message: failure.error } : failure.error;
  if (error.code === 'output_invalid' && error.errors?.length && error.raw !== undefined) {
    return new HearthError('OUTPUT_INVALID', `${server}: ${error.message}`, { errors: error.errors, lastOutput: error.raw });
  }
  return new HearthError('REMOTE_ERROR', `${server} ended the stream with an error: ${error.message}`);
}

/** Streamed tool-call pieces, joined by their index into whole calls. */
export class ToolCallPieces {
  private readonly calls = new Map<number, { id: string; name: string; arguments: string }>();

  add(piece: { index: number; id?: string | null; function?: { name?: string | null; arguments?: string | null } | null }): void {
    const call = this.calls.get(piece.index) ?? { id: '', name: '', arguments: '' };
    if (piece.id) call.id = piece.id;
    if (piece.function?.name) call.name += piece.function.name;
    if (piece.function?.arguments) call.arguments += piece.function.arguments;
    this.calls.set(piece.index, call);
  }

  complete(): { id: string; name: string; arguments: string }[] {
    return [...this.calls.entries()].sort(([a], [b]) => a - b).map(([index, call]) => ({ ...call, id: call.id || `call_${index}` }));
  }
}

/**
 * What every reply from a server goes through on its way out: tool calls parsed (arguments that are not
 * JSON become a warning with the raw text, never a crash and never silence), a JSON reply checked when a
 * response format was asked for (a server that ignored it is named), and warnings said once.
 */
export class ReplyChecks {
  private written = '';
  private calls = 0;
  private readonly said = new Set<string>();

  constructor(
    private readonly request: ChatRequest,
    private readonly server: string,
  ) {}

  *text(text: string): Generator<ChatEvent> {
    this.written += text;
    yield { type: 'text', text };
  }

  *warning(message: string, raw?: string): Generator<ChatEvent> {
    if (this.said.has(message)) return;
    this.said.add(message);
    yield { type: 'warning', message, ...(raw !== undefined ? { raw } : {}) };
  }

  *toolCall(id: string, name: string, args: string): Generator<ChatEvent> {
    let input: unknown;
    try {
      // An empty argument string is how some servers send a call without input.
      input = args.trim() ? JSON.parse(args) : {};
    } catch (error) {
      yield* this.warning(`The model called "${name}" (${id}) with arguments that are not JSON (${(error as Error).message}); the call was not passed on.`, args);
      return;
    }
    this.calls++;
    yield { type: 'tool-call', id, name, input };
  }

  *finish(reason: Exclude<FinishReason, 'cancelled'>, usage: TokenUsage): Generator<ChatEvent> {
    if (this.request.responseFormat && this.calls === 0) {
      const problem = jsonReplyProblem(this.written, reason);
      // A Hearth server relays its own model's identical warning: say it once.
      if (problem && !this.said.has(problem)) yield* this.warning(reason === 'length' ? problem : `${problem} ${this.server} did not apply it.`, this.written);
    }
    // Some servers (Ollama) end a turn of tool calls with `stop`: what ended it was the calls.
    yield { type: 'finish', reason: this.calls > 0 && reason === 'stop' ? 'tool-calls' : reason, usage };
  }
}
