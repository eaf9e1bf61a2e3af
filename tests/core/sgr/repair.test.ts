/**
 * The repair loop of the SGR pipeline against a scripted model that makes named mistakes — a wrong type, a
 * missing field, a cycle in milestone dependencies, a citation outside the evidence — in its first draft,
 * and corrects them once it is shown the errors; and a model that never gets it right, which ends in
 * OUTPUT_INVALID naming the field.
 */
import { describe, expect, it } from 'vitest';
import { builtInTemplates } from '../../../schemas/reports/index.js';
import type { ChatRequest } from '../../../app/core/models/index.js';
import { generateStructured, type StructuredStep } from '../../../app/core/sgr/index.js';
import { ScriptedChatModel, type ScriptedTurn } from '../../fixtures/scripted-models.js';

/** A model that plays its turns in order (the last one again if asked more often). */
function playing(...turns: unknown[]): ScriptedChatModel {
  let next = 0;
  return new ScriptedChatModel((): ScriptedTurn => {
    const turn = turns[Math.min(next++, turns.length - 1)];
    return typeof turn === 'string' ? turn : JSON.stringify(turn);
  });
}

const evidence = { evidenceCount: 3 };
const ask = [{ role: 'user' as const, content: 'Build it from the passages [1]–[3].' }];

/** The last user message of a request: where the pipeline puts the errors. */
const repairNote = (request: ChatRequest) => request.messages.at(-1)!.content;

/** Runs the pipeline for a built-in template, with the steps it went through. */
async function repaired(model: ScriptedChatModel, template: keyof typeof builtInTemplates) {
  const steps: StructuredStep[] = [];
  const result = await generateStructured({
    model,
    schema: { zod: builtInTemplates[template].schema(evidence), name: template },
    messages: ask,
    onStep: (step) => steps.push(step),
  });
  return { result, steps };
}

describe('the repair loop', () => {
  it('corrects a wrong type, showing the model its output and the exact error', async () => {
    const wrong = { title: 'Travel rules', keyPoints: [{ text: 'Trains are refunded.', citations: '1' }] };
    const right = { title: 'Travel rules', keyPoints: [{ text: 'Trains are refunded.', citations: [1] }] };
    const model = playing(wrong, right);
    const { result, steps } = await repaired(model, 'summary');

    expect(result.value).toEqual(right);
    expect(result.repairs).toBe(1);
    expect(steps).toEqual([
      { type: 'drafting' },
      { type: 'validating', attempt: 1 },
      { type: 'repairing', round: 1, errors: [expect.stringMatching(/^\/keyPoints\/0\/citations: .*expected array, received string/)] },
      { type: 'validating', attempt: 2 },
    ]);
    const second = model.requests[1]!;
    expect(second.messages.at(-2)).toEqual({ role: 'assistant', content: JSON.stringify(wrong) });
    expect(repairNote(second)).toContain('- /keyPoints/0/citations: ');
    // The repair keeps the first prompt as it was, so its tokens can be reused.
    expect(second.messages.slice(0, -2)).toEqual(model.requests[0]!.messages);
  });

  it('corrects a missing field, said as missing', async () => {
    const item = { topic: 'Budget', owner: 'Anna', decisionNeeded: true };
    const agenda = { title: 'Planning', date: '2026-03-02', participants: [{ name: 'Anna' }, { name: 'Boris' }] };
    const model = playing({ ...agenda, items: [item] }, { ...agenda, items: [{ ...item, minutes: 20 }] });
    const { result, steps } = await repaired(model, 'meeting-agenda');

    expect(steps[2]).toEqual({ type: 'repairing', round: 1, errors: ['/items/0/minutes: required, but missing (expected number)'] });
    expect(result.value).toMatchObject({ items: [{ topic: 'Budget', minutes: 20 }] });
  });

  it('corrects a cycle in milestone dependencies, which only the semantic check sees', async () => {
    const milestone = (id: string, dependsOn: string[]) => ({ id, title: `Step ${id}`, owner: 'Anna', due: '2026-04-01', dependsOn });
    const cyclic = { title: 'Launch', milestones: [milestone('M1', ['M2']), milestone('M2', ['M1'])] };
    const fixed = { title: 'Launch', milestones: [milestone('M1', []), milestone('M2', ['M1'])] };
    const model = playing(cyclic, fixed);
    const { result, steps } = await repaired(model, 'milestone-plan');

    expect(steps[2]).toEqual({ type: 'repairing', round: 1, errors: ['/milestones/0/dependsOn: The dependencies go round in a cycle: M1 → M2 → M1.'] });
    expect(repairNote(model.requests[1]!)).toContain('cycle: M1 → M2 → M1');
    expect(result.value).toEqual(fixed);
  });

  it('corrects a citation outside the evidence', async () => {
    const report = (citations: number[]) => ({
      title: 'Expenses',
      summary: 'What the policy allows.',
      sections: [{ heading: 'Travel', claims: [{ text: 'Trains are refunded.', citations }] }],
    });
    const model = playing(report([2, 7]), report([2, 3]));
    const { result, steps } = await repaired(model, 'report');

    expect(steps[2]).toEqual({ type: 'repairing', round: 1, errors: [expect.stringMatching(/^\/sections\/0\/claims\/0\/citations\/1: Too big: .*<=3/)] });
    expect(result.value).toEqual(report([2, 3]));
  });

  it("feeds the caller's own checks (what a user's schema cannot say) into the same loop", async () => {
    const schema = { type: 'object', properties: { point: { type: 'string' }, citations: { type: 'array', items: { type: 'integer' } } }, required: ['point', 'citations'] };
    const model = playing({ point: 'Trains are refunded.', citations: [4] }, { point: 'Trains are refunded.', citations: [3] });
    const steps: StructuredStep[] = [];
    const result = await generateStructured<{ point: string; citations: number[] }>({
      model,
      schema: { json: schema },
      messages: ask,
      checks: (value) => value.citations.flatMap((n, i) => (n > evidence.evidenceCount ? [`/citations/${i}: passage ${n} was not retrieved (1 to 3)`] : [])),
      onStep: (step) => steps.push(step),
    });
    expect(steps[2]).toEqual({ type: 'repairing', round: 1, errors: ['/citations/0: passage 4 was not retrieved (1 to 3)'] });
    expect(result).toMatchObject({ value: { citations: [3] }, repairs: 1 });
  });

  it('repairs a reply that is not JSON at all, and one cut off at the token limit', async () => {
    const right = { title: 'Travel rules', keyPoints: [{ text: 'Trains are refunded.', citations: [1] }] };
    const model = new ScriptedChatModel((): ScriptedTurn => {
      if (model.requests.length === 1) return 'Sure! Here is the summary.';
      if (model.requests.length === 2) return [{ type: 'text', text: '{"title": "Tra' }, { type: 'finish', reason: 'length' }];
      return JSON.stringify(right);
    });
    const steps: StructuredStep[] = [];
    const result = await generateStructured({ model, schema: { zod: builtInTemplates.summary.schema(evidence) }, messages: ask, onStep: (step) => steps.push(step) });

    expect(result).toMatchObject({ value: right, repairs: 2 });
    expect(steps.filter((step) => step.type === 'repairing')).toEqual([
      { type: 'repairing', round: 1, errors: [expect.stringMatching(/^\/: the reply is not JSON \(.*\); write JSON only, no other text\.$/)] },
      { type: 'repairing', round: 2, errors: ['/: the reply was cut off at the token limit before its JSON was complete; write a shorter value.'] },
    ]);
  });

  it('ends in OUTPUT_INVALID naming the field when the model never gets it right', async () => {
    const stubborn = { title: 'Travel rules', keyPoints: [{ text: '', citations: [1] }] };
    const model = playing(stubborn);
    const steps: StructuredStep[] = [];
    const failure = generateStructured({
      model,
      schema: { zod: builtInTemplates.summary.schema(evidence), name: 'summary' },
      messages: ask,
      maxRepairs: 2,
      onStep: (step) => steps.push(step),
    });

    await expect(failure).rejects.toMatchObject({
      code: 'OUTPUT_INVALID',
      message: expect.stringMatching(/^The model's output never validated against the schema "summary" \(3 tries\): \/keyPoints\/0\/text: Too small/),
      details: { errors: [expect.stringMatching(/^\/keyPoints\/0\/text: /)], lastOutput: JSON.stringify(stubborn) },
    });
    expect(model.requests).toHaveLength(3);
    expect(steps.map((step) => step.type)).toEqual(['drafting', 'validating', 'repairing', 'validating', 'repairing', 'validating']);
  });

  it('stops when cancelled, with CANCELLED, and asks the model no more', async () => {
    const controller = new AbortController();
    const model = new ScriptedChatModel(() => {
      controller.abort();
      return '{"title": 1}';
    });
    await expect(
      generateStructured({ model, schema: { zod: builtInTemplates.summary.schema(evidence) }, messages: ask, signal: controller.signal }),
    ).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(model.requests).toHaveLength(1);
  });
});
