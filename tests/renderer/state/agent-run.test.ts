/**
 * A run as the chat shows it, folded from its job's events: the same story live and replayed from the journal,
 * each event counted once however many times it arrives.
 */
import { describe, expect, it } from 'vitest';
import { newRun, withJobEvent, type AgentRun } from '../../../app/renderer/src/state/agent-run.js';
import type { AgentEvent, JobEventOf } from '../../../schemas/index.js';

const citation = { documentId: 'doc1', documentName: 'contract.md', headingPath: ['Schedule'], snippet: 'Delivery within 30 business days', chunkId: 'c1', start: 0, end: 10 } as never;

const story: AgentEvent[] = [
  { type: 'route', route: { agent: 'planner', reason: 'the request starts with /plan', method: 'command' } },
  { type: 'plan', revision: 1, steps: [{ id: 's1', title: 'Search the terms', status: 'pending' }, { id: 's2', title: 'Count the days', status: 'pending' }] },
  { type: 'step', stepId: 's1', title: 'Search the terms', status: 'running' },
  { type: 'thought', stepId: 's1', text: 'I look for the terms.' },
  { type: 'tool-call', callId: 'c1', tool: 'search', stepId: 's1', input: { query: 'within days' }, sideEffects: false },
  { type: 'tool-result', callId: 'c1', tool: 'search', ok: true, output: { passages: 3 } },
  { type: 'step', stepId: 's1', title: 'Search the terms', status: 'done', summary: 'Three terms.' },
  { type: 'model-error', message: 'unknown tool "dates"', attempt: 1 },
  { type: 'waiting', wait: { kind: 'input', question: 'Which country’s holidays?' } },
  { type: 'answered', kind: 'input', decision: 'answered', by: 'Ana' },
  { type: 'tool-call', callId: 'c2', tool: 'tasks', stepId: 's2', input: { action: 'create' }, sideEffects: true },
  { type: 'tool-result', callId: 'c2', tool: 'tasks', ok: true, output: {}, replayed: true },
  { type: 'passage-flagged', citation, reasons: ['asks to ignore previous instructions'] },
  { type: 'citation', index: 1, citation },
  { type: 'delta', text: 'Delivery is due ' },
  { type: 'delta', text: '2027-03-16 [1].' },
  { type: 'notice', text: 'Reranking is off.' },
  { type: 'verification', claims: [{ claim: 'Delivery is due 2027-03-16 [1].', start: 0, end: 31, citations: [1], verdict: 'supported', method: 'overlap', score: 0.9 }] },
];

const journal = (events: AgentEvent[]): JobEventOf<'agent'>[] =>
  events.map((progress, i) => ({ jobId: 'run1', kind: 'agent', seq: i + 1, at: '2026-12-02T05:00:00Z', type: 'progress', progress }));

const fold = (events: JobEventOf<'agent'>[], run: AgentRun = newRun('/plan the milestones', null, 'run1')) => events.reduce(withJobEvent, run);

describe('an agent run folded from its events', () => {
  it('shows the route, the plan with each step’s thoughts and calls, the notes, and the answer with its sources', () => {
    const run = fold(journal(story));
    expect(run.route?.agent).toBe('planner');
    expect(run.steps.map((step) => [step.stepId, step.status, step.callIds])).toEqual([
      ['s1', 'done', ['c1']],
      ['s2', 'pending', ['c2']],
    ]);
    expect(run.steps[0]!.thoughts).toEqual(['I look for the terms.']);
    expect(run.toolCalls['c1']!.result).toEqual({ ok: true, output: { passages: 3 } });
    expect(run.toolCalls['c2']!.result?.replayed).toBe(true);
    expect(run.notes.map((note) => note.kind)).toEqual(['model-error', 'answered']);
    expect(run.wait).toBeNull();
    expect(run.flagged).toHaveLength(1);
    expect(run.text).toBe('Delivery is due 2027-03-16 [1].');
    expect(run.citations[0]).toBe(citation);
    expect(run.notices).toEqual(['Reranking is off.']);
    expect(run.claims[0]!.verdict).toBe('supported');
  });

  it('counts an event once, however often it arrives (a second watcher, a replay after a reconnect)', () => {
    const events = journal(story);
    const once = fold(events);
    expect(fold([...events.slice(0, 16), ...events], newRun('', null, 'run1'))).toEqual(fold(events, newRun('', null, 'run1')));
    expect(fold(events, once)).toBe(once);
  });

  it('keeps what it waits for until the run goes on, and takes the result and conversation from the final state', () => {
    const waiting = fold(journal(story.slice(0, 9)));
    expect(waiting.wait).toEqual({ kind: 'input', question: 'Which country’s holidays?' });
    const state = (seq: number, extra: Partial<JobEventOf<'agent'>>) => ({ jobId: 'run1', kind: 'agent', seq, at: '', type: 'state', ...extra }) as JobEventOf<'agent'>;
    const parked = withJobEvent(waiting, state(10, { state: 'waiting' } as never));
    expect(parked.wait).not.toBeNull();
    const resumed = withJobEvent(parked, state(11, { state: 'running' } as never));
    expect(resumed.wait).toBeNull();
    const result = { agent: 'planner', conversationId: 'conv1', messageId: 'm1', artifactIds: [], taskIds: ['t1'], eventIds: [], tokens: 10, steps: 7 } as const;
    const done = withJobEvent(resumed, state(12, { state: 'done', result } as never));
    expect([done.state, done.conversationId, done.result?.taskIds]).toEqual(['done', 'conv1', ['t1']]);
  });

  it('keeps the calls of a step a new plan still has, and drops the steps it no longer has', () => {
    const events = journal([...story.slice(0, 7), { type: 'plan', revision: 2, steps: [{ id: 's1', title: 'Search the terms', status: 'done' }, { id: 's3', title: 'Ask again', status: 'pending' }], reason: 'A tool failed.' }]);
    const run = fold(events);
    expect(run.steps.map((step) => [step.stepId, step.callIds])).toEqual([
      ['s1', ['c1']],
      ['s3', []],
    ]);
    expect([run.planRevision, run.planReason]).toEqual([2, 'A tool failed.']);
  });
});
