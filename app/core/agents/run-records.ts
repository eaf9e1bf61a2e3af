/**
 * What an agent run keeps beside its job and its checkpoints: its conversation, what it waits for now (so
 * `agents.pending` answers without reading the journal), the answer a user gave (written before the job is
 * resumed, taken by the resumed run), and the run's trace, so every attempt after a pause or a restart joins it.
 */
import { z } from 'zod';
import { AgentWait, HearthError } from '../../../schemas/index.js';
import type { Db } from '../storage/index.js';
import type { SpanParent } from '../telemetry/index.js';

/** The answer to a wait, as the run reads it when it goes on. */
const RunAnswer = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('approval'), approvalId: z.string() }),
  z.object({ kind: z.literal('limit'), decision: z.enum(['continue', 'stop']) }),
  z.object({ kind: z.literal('input'), text: z.string() }),
]);
export type RunAnswer = z.infer<typeof RunAnswer>;

export interface RunRecord {
  runId: string;
  spaceId: string;
  conversationId: string;
  wait?: AgentWait;
  /** The graph's id of the question the wait (and so the answer) is for. */
  interruptId?: string;
  answer?: RunAnswer;
  answeredBy?: string;
  trace?: SpanParent;
}

interface RunRow {
  run_id: string;
  space_id: string;
  conversation_id: string;
  wait: string | null;
  interrupt_id: string | null;
  answer: string | null;
  answered_by: string | null;
  trace_id: string | null;
  span_id: string | null;
}

export class RunRecords {
  constructor(private readonly db: Db) {}

  create(runId: string, spaceId: string, conversationId: string): void {
    this.db
      .prepare('INSERT INTO agent_runs (run_id, space_id, conversation_id, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (run_id) DO NOTHING')
      .run(runId, spaceId, conversationId, new Date().toISOString());
  }

  find(runId: string): RunRecord | undefined {
    const row = this.db.prepare('SELECT * FROM agent_runs WHERE run_id = ?').get(runId) as RunRow | undefined;
    if (!row) return undefined;
    // A wait written by this version always parses; one that does not is shown as no wait rather than failing the run.
    const wait = row.wait ? AgentWait.safeParse(JSON.parse(row.wait)) : undefined;
    return {
      runId: row.run_id,
      spaceId: row.space_id,
      conversationId: row.conversation_id,
      ...(wait?.success ? { wait: wait.data } : {}),
      ...(row.interrupt_id ? { interruptId: row.interrupt_id } : {}),
      ...(row.answer ? { answer: RunAnswer.parse(JSON.parse(row.answer)) } : {}),
      ...(row.answered_by ? { answeredBy: row.answered_by } : {}),
      ...(row.trace_id && row.span_id ? { trace: { traceId: row.trace_id, spanId: row.span_id } } : {}),
    };
  }

  get(runId: string): RunRecord {
    const record = this.find(runId);
    if (!record) throw new HearthError('NOT_FOUND', `There is no agent run ${runId}.`, { runId });
    return record;
  }

  /** The run waits for this (and any earlier answer is spent). */
  waitFor(runId: string, wait: AgentWait, interruptId: string): void {
    this.db
      .prepare('UPDATE agent_runs SET wait = ?, interrupt_id = ?, answer = NULL, answered_by = NULL, updated_at = ? WHERE run_id = ?')
      .run(JSON.stringify(wait), interruptId, new Date().toISOString(), runId);
  }

  /** The user's answer, kept until the resumed run takes it. */
  answer(runId: string, answer: RunAnswer, by: string): void {
    this.db.prepare('UPDATE agent_runs SET wait = NULL, answer = ?, answered_by = ?, updated_at = ? WHERE run_id = ?').run(JSON.stringify(answer), by, new Date().toISOString(), runId);
  }

  /** The run went past its answer: a later restart must not hand it over again. */
  spend(runId: string): void {
    this.db.prepare('UPDATE agent_runs SET answer = NULL, answered_by = NULL, updated_at = ? WHERE run_id = ?').run(new Date().toISOString(), runId);
  }

  setTrace(runId: string, trace: SpanParent): void {
    this.db.prepare('UPDATE agent_runs SET trace_id = ?, span_id = ?, updated_at = ? WHERE run_id = ?').run(trace.traceId, trace.spanId, new Date().toISOString(), runId);
  }
}
