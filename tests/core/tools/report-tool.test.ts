/**
 * report through the registry: a Milestone plan made by the reports pipeline (a scripted model at the model
 * boundary, drafting from the request it is given) in one call — the report and its files come back, made
 * once per run and call key (a resumed run follows the report its cut-short call started) — and refused or failed, as a call the planner can re-plan on, for a reader, a
 * template that is not there, a template that needs a model with none configured, and a draft that never validates.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Caller, localOwner, type Hearth } from '../../../app/core/index.js';
import type { ToolContext } from '../../../app/core/tools/index.js';
import { ScriptedChatModel } from '../../fixtures/scripted-models.js';
import { rpcCall } from '../../fixtures/hearth-runner.js';
import { openReportsHearth, schemaNameOf, useScriptedModel } from '../reports/report-runner.js';
import { undescribed } from '../../fixtures/json-schema-descriptions.js';

let opened: Awaited<ReturnType<typeof openReportsHearth>>;
let hearth: Hearth;
let spaceId: string;

const contextOf = (caller: Caller, runId = 'run-1'): ToolContext => ({ caller, spaceId, runId, signal: new AbortController().signal });

/** Drafts the plan from the `M: due` pairs the request names, as the planner writes them. */
const drafting = () =>
  new ScriptedChatModel((request) => {
    if (schemaNameOf(request) !== 'milestone-plan') return '{}';
    const asked = request.messages.at(-1)!.content.split('Request:').at(-1)!;
    const milestones = [...asked.matchAll(/([A-Z][a-z ]+) due (\d{4}-\d{2}-\d{2})/g)].map(([, title, due], i) => ({ id: `M${i + 1}`, title: title!.trim(), owner: 'Ana Ruiz', due: due!, dependsOn: [], citations: [1] }));
    return JSON.stringify({ title: 'Pier launch', milestones });
  });

const call = (callKey: string, input: Record<string, unknown>) => ({ callKey, name: 'report', input });
const planInput = { template_id: 'milestone-plan', request: 'The pier launch plan. Ticket sales due 2027-02-15. Pier opening due 2027-03-01.', formats: ['docx', 'ics'] };

beforeEach(async () => {
  opened = await openReportsHearth();
  ({ hearth, spaceId } = opened);
});
afterEach(async () => {
  await hearth.dispose();
  await opened.temp.cleanup();
});

describe('the report tool', () => {
  it('is a side-effecting tool whose every input field is described to the model', () => {
    const info = hearth.tools.list().find((tool) => tool.name === 'report')!;
    expect(info.sideEffects).toBe(true);
    const properties = info.inputSchema.properties as Record<string, { description?: string }>;
    expect(Object.keys(properties).sort()).toEqual(['formats', 'request', 'template_id']);
    expect(undescribed(info.inputSchema)).toEqual([]);
    expect(info.inputSchema.required).toEqual(['template_id', 'request']);
  });

  it('makes a Milestone plan with the dates of its request, its files returned, once per call key', async () => {
    await useScriptedModel(hearth, drafting());
    const outcome = await hearth.tools.call(call('step-5/call-1', planInput), contextOf(localOwner));
    expect(outcome).toMatchObject({ ok: true, replayed: false, output: { title: 'Pier launch' } });
    if (!outcome.ok) return;
    const output = outcome.output as { report_id: string; artifacts: { id: string; format: string; file_name: string }[] };
    expect(output.artifacts.map((artifact) => artifact.format).sort()).toEqual(['docx', 'ics']);
    expect(output.artifacts.every((artifact) => artifact.file_name.endsWith(`.${artifact.format}`))).toBe(true);
    expect(outcome.made).toEqual({ artifactIds: output.artifacts.map((artifact) => artifact.id), reportIds: [output.report_id] });

    const report = await rpcCall(hearth, 'reports.get', { reportId: output.report_id });
    expect(report.templateId).toBe('milestone-plan');
    expect((report.value as { milestones: { due: string }[] }).milestones.map((item) => item.due)).toEqual(['2027-02-15', '2027-03-01']);
    const ics = Buffer.from((await rpcCall(hearth, 'artifacts.download', { artifactId: output.artifacts.find((artifact) => artifact.format === 'ics')!.id })).base64, 'base64').toString('utf8');
    expect(ics).toContain('DTSTART;VALUE=DATE:20270215');

    // The same call of the run again (a resumed run): the record answers, no second report.
    expect(await hearth.tools.call(call('step-5/call-1', planInput), contextOf(localOwner))).toEqual({ ...outcome, replayed: true });
    expect(await rpcCall(hearth, 'reports.list', { spaceId })).toHaveLength(1);
  });

  it('follows the report an earlier, cut-short attempt of the same call started, instead of making a second', async () => {
    await useScriptedModel(hearth, drafting());
    // What a run stopped mid-report leaves: the report job it started (going on by itself), and no record of the call.
    const started = await hearth.reports.create(localOwner, { spaceId, templateId: 'milestone-plan', request: planInput.request, formats: ['ics'], origin: { runId: 'run-1', callKey: 'step-5/call-1' } });
    const outcome = await hearth.tools.call(call('step-5/call-1', planInput), contextOf(localOwner));
    expect(outcome).toMatchObject({ ok: true, replayed: false });
    const reports = await rpcCall(hearth, 'reports.list', { spaceId });
    expect(reports).toHaveLength(1);
    expect(outcome.ok && (outcome.output as { report_id: string }).report_id).toBe(reports[0]!.id);
    expect(hearth.jobs.get(started.id).state).toBe('done');
    // Another run's call with the same key is its own report.
    expect(await hearth.tools.call(call('step-5/call-1', planInput), contextOf(localOwner, 'run-2'))).toMatchObject({ ok: true, replayed: false });
    expect(await rpcCall(hearth, 'reports.list', { spaceId })).toHaveLength(2);
  });

  it('fails as a call the planner can re-plan on: a reader, a missing template, no model, a draft that never validates', async () => {
    const reader = new Caller({ id: 'bea', kind: 'user', name: 'Bea', serverRole: 'member', spaces: { [spaceId]: 'viewer' } });
    expect(await hearth.tools.call(call('k1', planInput), contextOf(reader))).toMatchObject({ ok: false, problem: 'forbidden' });
    expect(await hearth.tools.call(call('k2', planInput), contextOf(localOwner))).toMatchObject({ ok: false, problem: 'failed', error: expect.stringContaining('needs a language model') });
    expect(await hearth.tools.call(call('k3', { ...planInput, template_id: 'no-such-template' }), contextOf(localOwner))).toMatchObject({ ok: false, problem: 'failed', error: expect.stringContaining('no-such-template') });
    expect(await hearth.tools.call(call('k4', { ...planInput, request: '' }), contextOf(localOwner))).toMatchObject({ ok: false, problem: 'invalid-input', error: expect.stringContaining('/request') });

    await useScriptedModel(hearth, new ScriptedChatModel(() => JSON.stringify({ title: 'Plan', milestones: [{ id: 'M1', title: 'Sales', owner: 'Ana', due: 'soon', dependsOn: [] }] })));
    const failed = await hearth.tools.call(call('k5', planInput), contextOf(localOwner));
    expect(failed).toMatchObject({ ok: false, problem: 'failed', error: expect.stringMatching(/^report failed: The report could not be made: .+/) });
    expect(await rpcCall(hearth, 'reports.list', { spaceId })).toEqual([]);
  });
});
