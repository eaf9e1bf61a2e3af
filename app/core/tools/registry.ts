/**
 * The tools an agent may call, behind one door: what the model is offered (each tool's zod schema as the
 * JSON Schema the local grammar and remote servers hold it to), and every call checked before it runs — an
 * unknown tool or input failing its schema goes back to the model as an error it can correct, never a crash
 * — run in a span of the run's trace, and, for a tool with side effects, recorded per run and call key so a
 * resumed run is answered from the record instead of doing it twice.
 */
import { z } from 'zod';
import { HearthError, type ToolInfo } from '../../../schemas/index.js';
import { normalizeJsonSchema, type ChatTool, type JsonSchema } from '../models/index.js';
import { zodIssueText } from '../sgr/index.js';
import type { Db } from '../storage/index.js';
import { toolCallAttributes, toolResultAttributes, type HearthSpan, type SpanOptions, type Telemetry } from '../telemetry/index.js';
import type { Tool, ToolContext, ToolOutcome } from './tool.js';

export type ToolCallOutcome =
  | { ok: true; output: unknown; summary: string; made?: ToolOutcome['made']; replayed: boolean }
  | { ok: false; error: string; problem: 'unknown-tool' | 'invalid-input' | 'failed' | 'forbidden' };

export type CheckedCall =
  | { ok: true; tool: Tool; input: unknown }
  | { ok: false; error: string; problem: 'unknown-tool' | 'invalid-input' };

export interface ToolCall {
  /** Names this call within its run (the step and the call's place in it): the same key is the same call. */
  callKey: string;
  name: string;
  /** What the model wrote, unchecked. */
  input: unknown;
}

/** What a finished side-effecting call leaves in `tool_effects.outcome`. */
const RecordedOutcome = z.union([
  z.object({ ok: z.literal(true), output: z.unknown(), summary: z.string(), made: z.record(z.string(), z.array(z.string())).optional() }),
  z.object({ ok: z.literal(false), error: z.string(), problem: z.enum(['failed', 'forbidden']) }),
]);

/** The most input errors named to the model; the rest are counted (a long list helps it no more). */
const shownErrors = 12;

export class ToolRegistry {
  private readonly tools = new Map<string, Tool>();
  private readonly schemas = new Map<string, JsonSchema>();
  /** Side-effecting calls in flight, by run and key: a second caller with the same key waits for the first. */
  private readonly inFlight = new Map<string, Promise<ToolCallOutcome>>();

  constructor(
    private readonly db: Db,
    tools: readonly Tool[],
    private readonly telemetry: Telemetry,
  ) {
    for (const tool of tools) {
      if (!/^[A-Za-z0-9_]{1,64}$/.test(tool.name)) throw new HearthError('INTERNAL', `Tool name "${tool.name}" is not allowed: use 1–64 letters, digits or "_".`);
      if (this.tools.has(tool.name)) throw new HearthError('INTERNAL', `Two tools are named "${tool.name}".`);
      this.tools.set(tool.name, tool);
      this.schemas.set(tool.name, inputSchemaOf(tool));
    }
  }

  list(): ToolInfo[] {
    return [...this.tools.values()].map((tool) => ({
      name: tool.name,
      title: tool.title,
      description: tool.description,
      sideEffects: tool.sideEffects,
      inputSchema: this.schemas.get(tool.name)!,
    }));
  }

  get(name: string): Tool | undefined {
    return this.tools.get(name);
  }

  /** The tools as a chat request offers them (all, or the ones named, in that order). */
  chatTools(names?: readonly string[]): ChatTool[] {
    const chosen = names ?? [...this.tools.keys()];
    return chosen.map((name) => {
      const tool = this.tools.get(name);
      if (!tool) throw new HearthError('BAD_REQUEST', `There is no tool "${name}"; the tools are ${this.names()}.`, { tool: name });
      return { name, description: tool.description, inputSchema: this.schemas.get(name)! };
    });
  }

  /**
   * Checks a call without running it: its tool and its input as the schema reads it (defaults filled in), or
   * the problem the model is told — an unknown tool naming the tools there are, or each place the input fails
   * its schema as `/pointer: message`. What an approval card shows is a checked call.
   */
  check(call: { name: string; input: unknown }): CheckedCall {
    const tool = this.tools.get(call.name);
    if (!tool) return { ok: false, problem: 'unknown-tool', error: `There is no tool "${call.name}". The tools are ${this.names()}.` };
    const parsed = tool.input.safeParse(call.input);
    if (parsed.success) return { ok: true, tool, input: parsed.data };
    const errors = parsed.error.issues.map(zodIssueText);
    const more = errors.length > shownErrors ? `\n(and ${errors.length - shownErrors} more)` : '';
    return { ok: false, problem: 'invalid-input', error: `The input of "${tool.name}" does not match its schema:\n${errors.slice(0, shownErrors).join('\n')}${more}` };
  }

  /**
   * Checks a call and runs it (see the module's first lines). Problems the model can correct come back as
   * `ok: false`; only cancellation throws (the run is being stopped, there is no one to tell).
   */
  async call(call: ToolCall, ctx: ToolContext): Promise<ToolCallOutcome> {
    const checked = this.check(call);
    if (!checked.ok) return checked;
    const { tool, input } = checked;
    if (!changesThings(tool, input)) return this.run(tool, call, input, ctx);

    const key = `${ctx.runId}\u0000${call.callKey}`;
    const running = this.inFlight.get(key);
    if (running) return replayed(await running);
    const recorded = this.recorded(ctx.runId, call.callKey, tool.name);
    if (recorded) return this.traceReplay(tool, call, input, ctx, recorded);
    const work = this.run(tool, call, input, ctx).then((outcome) => {
      // A call cut short by cancellation throws and is not recorded: the resumed run does it then.
      this.record(ctx.runId, call.callKey, tool.name, input, outcome);
      return outcome;
    });
    this.inFlight.set(key, work);
    try {
      return await work;
    } finally {
      this.inFlight.delete(key);
    }
  }

  private run(tool: Tool, call: ToolCall, input: unknown, ctx: ToolContext): Promise<ToolCallOutcome> {
    return this.telemetry.inSpan(`execute_tool ${tool.name}`, this.spanOptions(tool, call, input, ctx), async (span: HearthSpan) => {
      try {
        const outcome = await tool.run(input, { ...ctx, callKey: call.callKey, span: { traceId: span.traceId, spanId: span.spanId } });
        span.set(toolResultAttributes({ summary: outcome.summary, replayed: false }));
        return { ok: true, output: outcome.output, summary: outcome.summary, ...(outcome.made ? { made: outcome.made } : {}), replayed: false };
      } catch (error) {
        if (ctx.signal.aborted || (error instanceof HearthError && error.code === 'CANCELLED')) throw error;
        // The agent is told and can re-plan; the span keeps the failure for the trace.
        span.fail(error);
        const forbidden = error instanceof HearthError && error.code === 'FORBIDDEN';
        return { ok: false, problem: forbidden ? 'forbidden' : 'failed', error: `${tool.name} failed: ${(error as Error).message}` };
      }
    });
  }

  /** A replayed call is in the trace too, marked so, with what it came to the first time. */
  private traceReplay(tool: Tool, call: ToolCall, input: unknown, ctx: ToolContext, outcome: ToolCallOutcome): Promise<ToolCallOutcome> {
    return this.telemetry.inSpan(`execute_tool ${tool.name}`, this.spanOptions(tool, call, input, ctx), async (span) => {
      span.set(toolResultAttributes({ summary: outcome.ok ? outcome.summary : outcome.error, replayed: true }));
      return outcome;
    });
  }

  private spanOptions(tool: Tool, call: ToolCall, input: unknown, ctx: ToolContext): SpanOptions {
    return {
      kind: 'internal',
      spaceId: ctx.spaceId,
      parent: ctx.span,
      attributes: { ...toolCallAttributes({ name: tool.name, callId: call.callKey, input }), 'hearth.tool.side_effects': tool.sideEffects, 'hearth.run.id': ctx.runId },
    };
  }

  private recorded(runId: string, callKey: string, toolName: string): ToolCallOutcome | undefined {
    const row = this.db.prepare('SELECT tool, outcome FROM tool_effects WHERE run_id = ? AND call_key = ?').get(runId, callKey) as { tool: string; outcome: string } | undefined;
    if (!row) return undefined;
    if (row.tool !== toolName) {
      return { ok: false, problem: 'failed', error: `Call ${callKey} of this run was already made with the tool "${row.tool}"; a call key names one call. Use a new key for a new call.` };
    }
    return replayed(RecordedOutcome.parse(JSON.parse(row.outcome)) as ToolCallOutcome);
  }

  private record(runId: string, callKey: string, toolName: string, input: unknown, outcome: ToolCallOutcome): void {
    const { replayed: _replayed, ...kept } = outcome as ToolCallOutcome & { replayed?: boolean };
    this.db
      .prepare('INSERT OR IGNORE INTO tool_effects (run_id, call_key, tool, input, outcome, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(runId, callKey, toolName, JSON.stringify(input ?? null), JSON.stringify(kept), new Date().toISOString());
  }

  private names(): string {
    return [...this.tools.keys()].join(', ') || '(none)';
  }
}

function replayed(outcome: ToolCallOutcome): ToolCallOutcome {
  return outcome.ok ? { ...outcome, replayed: true } : outcome;
}

/** A tool's input as the JSON Schema a model is given: what it may send (defaults optional), normalised. */
function inputSchemaOf(tool: Tool): JsonSchema {
  let schema: JsonSchema;
  try {
    schema = normalizeJsonSchema(z.toJSONSchema(tool.input, { io: 'input' }) as JsonSchema);
  } catch (error) {
    throw new HearthError('INTERNAL', `The input schema of tool "${tool.name}" cannot be written as a JSON Schema: ${(error as Error).message}`);
  }
  const object = asObjectSchema(schema);
  if (!object) throw new HearthError('INTERNAL', `The input of tool "${tool.name}" must be an object (or a choice of objects), as tool calls are.`);
  return object;
}

/**
 * The schema with `type: "object"` at its top, as servers ask of a tool's parameters. A choice of objects told
 * apart by one property's constant (zod's discriminated union, written `oneOf`) becomes `anyOf` under an
 * object: the same values, since at most one branch can match — and the local grammar holds `anyOf` exactly,
 * where it can only approximate `oneOf`.
 */
function asObjectSchema(schema: JsonSchema): JsonSchema | undefined {
  if (schema.type === 'object') return schema;
  const { oneOf, anyOf, ...rest } = schema as JsonSchema & { oneOf?: JsonSchema[]; anyOf?: JsonSchema[] };
  const branches = oneOf ?? anyOf;
  if (!Array.isArray(branches) || branches.length === 0 || !branches.every((branch) => branch.type === 'object')) return undefined;
  if (oneOf && !discriminated(oneOf)) return { ...rest, type: 'object', oneOf };
  return { ...rest, type: 'object', anyOf: branches };
}

/** Whether some property is a different constant in every branch, so that no value matches two of them. */
function discriminated(branches: readonly JsonSchema[]): boolean {
  const first = (branches[0]!.properties ?? {}) as Record<string, JsonSchema>;
  return Object.keys(first).some((key) => {
    const values = branches.map((branch) => ((branch.properties ?? {}) as Record<string, JsonSchema>)[key]?.const);
    return values.every((value) => value !== undefined) && new Set(values.map((value) => JSON.stringify(value))).size === branches.length;
  });
}

/**
 * Whether a call of a tool changes anything: its action's own answer for a tool with read-only actions, else the
 * tool's `sideEffects`. Input that does not parse counts as the tool's `sideEffects` (it is refused anyway).
 */
export function changesThings(tool: Tool, input: unknown): boolean {
  if (!tool.sideEffects || !tool.sideEffectsOf) return tool.sideEffects;
  const parsed = tool.input.safeParse(input);
  return parsed.success ? tool.sideEffectsOf(parsed.data) : true;
}
