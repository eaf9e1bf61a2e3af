/**
 * The router: rules first (the user's choice, slash commands, @mentions, attachments), then a classifier —
 * a model held to the agents' enum, or with no model the request's similarity to each agent's description
 * with the active embedder, or with neither Research by default. Every decision has a one-line reason.
 */
import { describe, expect, it } from 'vitest';
import { agentCatalog } from '../../../app/core/agents/agent-catalog.js';
import { routeRequest } from '../../../app/core/agents/router.js';
import { HashEmbedder } from '../../../app/core/models/index.js';
import { ScriptedChatModel } from '../../fixtures/scripted-models.js';

const signal = new AbortController().signal;
const route = (request: string, extra: Parameters<typeof routeRequest>[0] extends infer I ? Partial<I> : never = {}, deps: Partial<Parameters<typeof routeRequest>[1]> = {}) =>
  routeRequest({ request, ...extra }, { agents: agentCatalog, signal, ...deps });

describe('routeRequest: rules', () => {
  it('follows a slash command and takes it off the request', async () => {
    expect(await route('/plan build the milestone plan from these contracts')).toEqual({
      route: { agent: 'planner', method: 'command', reason: 'The request starts with /plan.' },
      request: 'build the milestone plan from these contracts',
    });
    expect(await route('/ask what is the notice period?')).toMatchObject({ route: { agent: 'rag', method: 'command' }, request: 'what is the notice period?' });
    expect(await route('/report the state of the supply contracts')).toMatchObject({ route: { agent: 'report', method: 'command' }, request: 'the state of the supply contracts' });
  });

  it('reads a template after /report: one of Hearth’s, a space’s, or any in brackets', async () => {
    expect(await route('/report milestone-plan from the three contracts')).toMatchObject({
      route: { agent: 'report', templateId: 'milestone-plan', reason: 'The request starts with /report milestone-plan.' },
      request: 'from the three contracts',
    });
    expect(await route('/report board-pack the quarter', {}, { templateIds: ['board-pack'] })).toMatchObject({ route: { templateId: 'board-pack' }, request: 'the quarter' });
    expect(await route('/report [tpl-42] the quarter')).toMatchObject({ route: { templateId: 'tpl-42' }, request: 'the quarter' });
    expect((await route('/report quarterly figures')).route.templateId).toBeUndefined();
  });

  it('follows an @mention by name or title, anywhere in the request', async () => {
    expect(await route('@planner schedule the handover')).toMatchObject({ route: { agent: 'planner', method: 'mention', reason: 'The request mentions @planner.' }, request: 'schedule the handover' });
    expect(await route('please, @Research: who signed it?')).toMatchObject({ route: { agent: 'rag', method: 'mention' }, request: 'please, who signed it?' });
    expect(await route('@report-writer a summary of the policy')).toMatchObject({ route: { agent: 'report' } });
    // An e-mail address is not a mention.
    expect((await route('mail planner@example.com the dates')).route.method).toBe('default');
  });

  it('sends attachments to the report writer when asked to summarise them, else to Research (English and Russian)', async () => {
    const documentIds = ['d1', 'd2'];
    expect(await route('Summarise these', { documentIds })).toMatchObject({ route: { agent: 'report', method: 'attachment', reason: 'Asks to summarise or report on 2 attached documents.' } });
    expect(await route('Сделай краткую сводку', { documentIds })).toMatchObject({ route: { agent: 'report', method: 'attachment' } });
    expect(await route('Who pays for shipping?', { documentIds })).toMatchObject({ route: { agent: 'rag', method: 'attachment' } });
  });

  it('lets the user’s own choice win over everything', async () => {
    expect(await route('/plan do it', { agent: 'rag' })).toMatchObject({ route: { agent: 'rag', method: 'user', reason: 'You chose Research.' }, request: '/plan do it' });
  });

  it('refuses a command with nothing after it, saying so', async () => {
    await expect(route('/plan')).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('write the request after it') });
  });
});

describe('routeRequest: classifiers', () => {
  it('asks the model, held to the agents’ enum, and keeps its one-line reason', async () => {
    const model = new ScriptedChatModel(() => JSON.stringify({ agent: 'planner', reason: 'Asks for deadlines\nand owners.' }));
    const routed = await route('who must act by when, and put it in my calendar', {}, { model, embedder: new HashEmbedder() });
    expect(routed).toEqual({ route: { agent: 'planner', method: 'llm', reason: 'Asks for deadlines and owners.' }, request: 'who must act by when, and put it in my calendar' });
    expect(model.requests[0]!.responseFormat?.schema).toMatchObject({ properties: { agent: { enum: ['rag', 'planner', 'report'] } } });
  });

  it('falls back to similarity when the model never writes a valid choice', async () => {
    const model = new ScriptedChatModel(() => '{"agent":"oracle","reason":"?"}');
    expect((await route('what does the policy say about leave?', {}, { model, embedder: new HashEmbedder() })).route.method).toBe('similarity');
  });

  it('with a model that never writes a valid choice, picks the agent whose description is closest, and reports every score', async () => {
    const model = new ScriptedChatModel(() => '{"agent":"oracle","reason":"?"}');
    const planning = await route('create tasks with owners and due dates and add calendar events for the deadlines', {}, { model, embedder: new HashEmbedder() });
    expect(planning.route).toMatchObject({ agent: 'planner', method: 'similarity' });
    expect(Object.keys(planning.route.scores!)).toEqual(['rag', 'planner', 'report']);
    // The reason says why the model's choice was not taken, rather than dropping its failure.
    expect(planning.route.reason).toMatch(/^The request reads most like what Planner does \(similarity 0\.\d\d\)\. \(The language model could not classify it: .+\.\)$/);
  });

  it('with no model, chooses by similarity among the agents that work without one (the Planner needs a model)', async () => {
    const embedder = new HashEmbedder();
    const planning = await route('create tasks with owners and due dates and add calendar events for the deadlines', {}, { embedder });
    expect(planning.route.method).toBe('similarity');
    expect(Object.keys(planning.route.scores!)).toEqual(['rag', 'report']);
    expect((await route('write a summary report of the policy for PowerPoint', {}, { embedder })).route.agent).toBe('report');
    expect((await route('what does the contract say about the termination clause?', {}, { embedder })).route.agent).toBe('rag');
    // A command still reaches the Planner, which then says plainly that it needs a model.
    expect((await route('/plan the deadlines', {}, { embedder })).route).toMatchObject({ agent: 'planner', method: 'command' });
  });

  it('with neither, answers with Research and says why', async () => {
    expect((await route('hello')).route).toEqual({ agent: 'rag', method: 'default', reason: expect.stringContaining('No language model or embedder') });
  });
});
