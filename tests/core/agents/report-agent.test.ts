/**
 * The Report agent hands the request to the reports pipeline as the caller — a `report` job with the template
 * the router or the user chose — follows it, and ends with the report and its files in the run's result and an
 * answer naming them. Without a model it makes what can be made from the passages alone, and says plainly why
 * not when the template needs a model. With a (scripted) model it drafts the Milestone plan.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Hearth } from '../../../app/core/index.js';
import { contracts, deliveryDue } from '../../e2e/milestone-story.js';
import { ScriptedChatModel } from '../../fixtures/scripted-models.js';
import { expectDone, ofType, openAgentsHearth, untilSettled, useScriptedModel } from './agent-runner.js';

let hearth: Hearth;
let spaceId: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  const opened = await openAgentsHearth(contracts);
  hearth = opened.hearth;
  spaceId = opened.spaceId;
  cleanup = async () => {
    await hearth.dispose();
    await opened.temp.cleanup();
  };
});

afterEach(() => cleanup());

async function runReport(request: string, options: { templateId?: string } = {}) {
  const started = await hearth.call('agents.run', { spaceId, request, ...options });
  const run = await untilSettled(hearth, started.id);
  expectDone(run);
  const messages = await hearth.call('conversations.messages', { conversationId: run.info.result!.conversationId });
  return { run, result: run.info.result!, answer: messages.at(-1)! };
}

describe('the report agent', () => {
  it('makes the report the user asked for through the reports pipeline, with its files, without a model', async () => {
    const { run, result, answer } = await runReport('/report a summary of the three contracts', { templateId: 'summary' });
    expect(ofType(run.events, 'route')[0]!.route.agent).toBe('report');
    expect(result.agent).toBe('report');
    expect(result.reportId).toBeDefined();
    const report = await hearth.call('reports.get', { reportId: result.reportId! });
    expect(report.templateId).toBe('summary');
    expect(report.extractive).toBe(true);
    expect(result.artifactIds.sort()).toEqual(report.artifacts.map((artifact) => artifact.id).sort());
    expect(result.artifactIds.length).toBeGreaterThan(0);
    // The report job's steps were told as the run's, and the answer names the report.
    expect(ofType(run.events, 'notice').map((notice) => notice.text)).toContain('Report: retrieving');
    expect(ofType(run.events, 'step').map((step) => step.status)).toEqual(['running', 'done']);
    expect(answer).toMatchObject({ role: 'assistant', agent: 'report', runId: run.info.id });
    expect(answer.content).toContain(report.title);
  }, 60_000);

  it('says plainly why not when the template needs a model and none is configured', async () => {
    const { result, answer } = await runReport('/report the milestone plan from these contracts', { templateId: 'milestone-plan' });
    expect(result.reportId).toBeUndefined();
    expect(answer.content).toContain('could not be started');
    expect(answer.content).toContain('needs a language model');
    expect(await hearth.call('reports.list', { spaceId })).toEqual([]);
  }, 60_000);

  it('drafts the Milestone plan with a model, the template chosen from the request', async () => {
    const model = new ScriptedChatModel((request) =>
      request.responseFormat?.name === 'milestone-plan'
        ? JSON.stringify({
            title: 'Contract milestones',
            milestones: [{ id: 'M1', title: 'Delivery', owner: 'Ana', due: deliveryDue, dependsOn: [], citations: [1] }],
          })
        : 'Done.',
    );
    await useScriptedModel(hearth, model);
    const { result, answer } = await runReport('/report the milestone plan from these three contracts');
    const report = await hearth.call('reports.get', { reportId: result.reportId! });
    expect(report.templateId).toBe('milestone-plan');
    expect(JSON.stringify(report.value)).toContain(deliveryDue);
    expect(answer.content).toContain('Contract milestones');
  }, 60_000);
});
