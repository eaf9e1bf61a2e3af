/**
 * The tiny random-weight GGUF, run by node-llama-cpp in its worker, calls Hearth's tools and routes requests
 * through constrained JSON: 50 tool calls (any tool when a call is required, or the one named) whose arguments
 * the registry checks against each tool's own zod schema, and 50 routes chosen by the model from the agents'
 * enum (H6's router) — and not one is invalid. The text is gibberish; that every call parses and validates is the
 * point: the JSON Schemas offered and the zod schemas checked say the same thing. Needs npm run build:node.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hearth } from '../../../app/core/index.js';
import { routeRequest } from '../../../app/core/agents/router.js';
import { agentCatalog } from '../../../app/core/agents/index.js';
import { LocalLlamaChatModel } from '../../../app/core/models/local-llama.js';
import { completeChat, type ChatTool, type ToolChoice } from '../../../app/core/models/index.js';
import { writeTinyLlama } from '../../fixtures/models/tiny-llama.js';
import { openTempHearth } from '../../fixtures/hearth-runner.js';

const runs = 50;
/** Room for the tools' descriptions and schemas in the prompt (~8000 tokens of the fixture's small vocabulary) and a long argument. */
const contextSize = 16384;
const maxTokens = 4000;

const requests = [
  'Build the milestone plan from these three contracts.',
  'What changed between the two versions of the travel policy, and who must act by when?',
  'Write a summary report of the supplier agreements.',
  'When is ten business days after the signing date in Russia?',
  'Draft an email to Ana with the plan attached.',
];

let opened: Awaited<ReturnType<typeof openTempHearth>>;
let hearth: Hearth;
let model: LocalLlamaChatModel;

beforeAll(async () => {
  opened = await openTempHearth('Work');
  hearth = opened.hearth;
  const file = path.join(opened.temp.dir, 'tiny-llama.gguf');
  await writeTinyLlama(file, { seed: 7, contextLength: contextSize });
  model = await LocalLlamaChatModel.load({ kind: 'local', path: 'tiny-llama.gguf', absolutePath: file, format: 'gguf' }, { threads: 1, sequences: 1, contextSize });
}, 120_000);

afterAll(async () => {
  await model?.dispose();
  await hearth?.dispose();
  await opened?.temp.cleanup();
});

describe('the tiny GGUF with Hearth’s tools', () => {
  it(`calls tools through constrained JSON ${runs} times without one invalid call`, async () => {
    const tools: ChatTool[] = hearth.tools.chatTools();
    const names = tools.map((tool) => tool.name);
    const invalid: string[] = [];
    const called = new Map<string, number>();
    let tokens = 0;
    const started = performance.now();
    for (let run = 0; run < runs; run++) {
      // Half the runs leave the tool to the model, half name one, going round them all.
      const toolChoice: ToolChoice = run % 2 === 0 ? 'required' : { tool: names[(run >> 1) % names.length]! };
      const reply = await completeChat(model, {
        messages: [{ role: 'system', content: 'You are Hearth’s planner. Use the tools.' }, { role: 'user', content: requests[run % requests.length]! }],
        tools,
        toolChoice,
        maxTokens,
        temperature: 0.8,
        seed: run,
      });
      tokens += reply.usage.completionTokens;
      const [call] = reply.toolCalls;
      if (!call || reply.toolCalls.length !== 1) {
        invalid.push(`run ${run}: ${reply.toolCalls.length} tool calls (finish ${reply.finishReason}; ${reply.warnings.join('; ')})`);
        continue;
      }
      if (typeof toolChoice === 'object' && call.name !== toolChoice.tool) invalid.push(`run ${run}: asked for ${toolChoice.tool}, called ${call.name}`);
      const checked = hearth.tools.check({ name: call.name, input: call.input });
      if (!checked.ok) invalid.push(`run ${run}: ${checked.error}\n${JSON.stringify(call.input).slice(0, 400)}`);
      if (reply.warnings.length) invalid.push(`run ${run}: warnings ${reply.warnings.join('; ')}`);
      called.set(call.name, (called.get(call.name) ?? 0) + 1);
    }
    console.log(`tiny GGUF tool calls: ${runs} in ${((performance.now() - started) / 1000).toFixed(1)} s, ${tokens} tokens; ${JSON.stringify(Object.fromEntries(called))}; invalid ${invalid.length}`);
    expect(invalid).toEqual([]);
    expect([...called.keys()].sort()).toEqual([...names].sort());
  }, 600_000);

  it(`routes ${runs} requests by the model’s choice from the agents’ enum, every reply valid`, async () => {
    const fellBack: string[] = [];
    const routed = new Map<string, number>();
    const started = performance.now();
    for (let run = 0; run < runs; run++) {
      const { route } = await routeRequest({ request: `${requests[run % requests.length]!} (${run})` }, { agents: agentCatalog, model, signal: new AbortController().signal });
      // A route that did not come from the model means its reply never validated (the router fell back).
      if (route.method !== 'llm') fellBack.push(`run ${run}: routed by ${route.method}: ${route.reason}`);
      routed.set(route.agent, (routed.get(route.agent) ?? 0) + 1);
    }
    console.log(`tiny GGUF routes: ${runs} in ${((performance.now() - started) / 1000).toFixed(1)} s; ${JSON.stringify(Object.fromEntries(routed))}; fell back ${fellBack.length}`);
    expect(fellBack).toEqual([]);
  }, 600_000);
});
