/**
 * `kill -9` of the web-mode process while an agent run waits for an approval: after the restart the run is
 * still waiting for the same approval; approving finishes it — across a second kill, after the tasks were made
 * and while the calendar entry waits — and no step of the run was done twice, no task created twice. Real
 * processes (bin/hearth.js serve), real sockets, real stores; the model is a scripted planner served over
 * Hearth's own /v1 in this process and configured in models.toml as a user does it.
 */
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHearth } from '../../app/core/index.js';
import { HearthClient } from '../../app/renderer/src/client/hearth-client.js';
import { WsTransport } from '../../app/renderer/src/client/ws-transport.js';
import type { AgentWait, JobInfoOf } from '../../schemas/index.js';
import { startV1Server, writeV1Library, type V1Server } from '../core/models/v1-server.js';
import { MilestonePlanner, contracts, deliveryDue, planRequest } from '../e2e/milestone-story.js';
import { startHearthServe, type ServingHearth } from '../fixtures/cli.js';
import { ScriptedChatModel } from '../fixtures/scripted-models.js';
import { makeTempDir } from '../fixtures/temp-dir.js';

let temp: { dir: string; cleanup(): Promise<void> };
let dataDir: string;
let library: string;
let v1: V1Server;
const planner = new MilestonePlanner({
  task: ({ milestone, owner, due }) => ({ title: milestone, owner, due }),
  event: ({ milestone, due }) => ({ title: milestone, start: due }),
});

beforeAll(async () => {
  temp = await makeTempDir('hearth-agent-kill-');
  dataDir = path.join(temp.dir, 'data');
  library = path.join(temp.dir, 'library');
  v1 = await startV1Server({ scripted: new ScriptedChatModel((request) => planner.turn(request)) });
  await writeV1Library(library, v1);
});

afterAll(async () => {
  await v1?.close();
  await temp?.cleanup();
});

async function serve(): Promise<{ server: ServingHearth; client: HearthClient }> {
  const server = await startHearthServe(['--data-dir', dataDir, '--models', library]);
  const socket = new WebSocket(`${server.origin.replace('http', 'ws')}/rpc`, { headers: { Authorization: `Bearer ${server.token}` } });
  // A kill drops the socket; what is in flight then fails and is not this test's business.
  socket.on('error', () => undefined);
  return { server, client: new HearthClient(new WsTransport(socket), { onProblem: () => undefined }) };
}

/** Asks until the run waits for something (or ends), and returns what it waits for. */
async function waitOf(client: HearthClient, runId: string): Promise<AgentWait | undefined> {
  for (;;) {
    const info = await client.call('jobs.get', { jobId: runId });
    if (info.state === 'waiting') return (await client.call('agents.pending', { runId })).wait;
    if (['done', 'failed', 'cancelled'].includes(info.state)) return undefined;
    await sleep(100);
  }
}

describe('web mode killed with kill -9 while an agent run waits for approval', () => {
  it('still waits after the restart, finishes once approved, and does no step and makes no task twice', async () => {
    let { server, client } = await serve();
    let spaceId: string;
    let runId: string;
    let approvalId: string;
    try {
      spaceId = (await client.call('spaces.create', { name: 'Contracts' })).id;
      for (const contract of contracts) {
        const job = await client.call('documents.ingest', { spaceId, source: { kind: 'bytes', name: contract.name, base64: Buffer.from(contract.text).toString('base64') } });
        while (!['done', 'failed', 'cancelled'].includes((await client.call('jobs.get', { jobId: job.id })).state)) await sleep(100);
      }
      runId = (await client.call('agents.run', { spaceId, request: planRequest })).id;
      const wait = await waitOf(client, runId);
      expect(wait?.kind === 'approval' && wait.approval.tool).toBe('tasks');
      approvalId = wait?.kind === 'approval' ? wait.approval.approvalId : '';
      expect(await client.call('tasks.list', { spaceId })).toEqual([]);
    } finally {
      client.close();
      await server.kill();
    }

    // After the crash: the run is still waiting, for the same approval; nothing was made meanwhile.
    ({ server, client } = await serve());
    try {
      expect((await client.call('jobs.get', { jobId: runId })).state).toBe('waiting');
      const wait = (await client.call('agents.pending', { runId })).wait;
      expect(wait?.kind === 'approval' && wait.approval.approvalId).toBe(approvalId);
      expect(JSON.stringify(wait?.kind === 'approval' && wait.approval.input)).toContain(deliveryDue);
      expect(await client.call('tasks.list', { spaceId })).toEqual([]);
      await client.call('agents.answer', { runId, answer: { kind: 'approval', approvalId, decision: 'approve' } });
      // The tasks are made; the calendar entries wait for their own approval — and the process is killed again.
      const next = await waitOf(client, runId);
      expect(next?.kind === 'approval' && next.approval.tool).toBe('calendar');
      expect(await client.call('tasks.list', { spaceId })).toHaveLength(3);
    } finally {
      client.close();
      await server.kill();
    }

    ({ server, client } = await serve());
    try {
      const wait = (await client.call('agents.pending', { runId })).wait;
      expect(wait?.kind === 'approval' && wait.approval.tool).toBe('calendar');
      await client.call('agents.answer', { runId, answer: { kind: 'approval', approvalId: wait?.kind === 'approval' ? wait.approval.approvalId : '', decision: 'approve' } });
      // Last, the Milestone plan report asks in its turn.
      const report = await waitOf(client, runId);
      expect(report?.kind === 'approval' && report.approval.tool).toBe('report');
      await client.call('agents.answer', { runId, answer: { kind: 'approval', approvalId: report?.kind === 'approval' ? report.approval.approvalId : '', decision: 'approve' } });
      expect(await waitOf(client, runId)).toBeUndefined();
      const info = await client.call('jobs.get', { jobId: runId });
      expect(info.error).toBeUndefined();
      expect(info.state).toBe('done');
      // No task twice: the three milestones, once each, with the dates date_calc gave.
      const tasks = await client.call('tasks.list', { spaceId });
      expect(tasks.map((task) => task.title).sort()).toEqual(['Delivery', 'Installation', 'Maintenance visit']);
      expect(tasks.find((task) => task.title === 'Delivery')?.due).toBe(deliveryDue);
      expect((await client.call('calendar.list', { spaceId })).events).toHaveLength(3);
      // One report, made once, from the dates date_calc gave.
      const reports = await client.call('reports.list', { spaceId });
      expect(reports).toHaveLength(1);
      expect(info.kind === 'agent' && info.result?.reportId).toBe(reports[0]!.id);
    } finally {
      client.close();
      await server.stop();
    }

    // The run's journal, read back: every step once, over the three processes.
    const hearth = await createHearth({ dataDir, modelLibrary: library });
    try {
      const steps: string[] = [];
      const replayed: string[] = [];
      for await (const event of hearth.stream('jobs.watch', { jobId: runId })) {
        if (event.type === 'step') steps.push(event.step);
        if (event.type === 'progress' && event.kind === 'agent' && event.progress.type === 'tool-result' && event.progress.replayed) replayed.push(event.progress.tool);
      }
      expect(steps.length).toBeGreaterThan(10);
      expect(new Set(steps).size).toBe(steps.length);
      // No side effect had to be answered from the record: none was attempted twice.
      expect(replayed).toEqual([]);
      const run = (await hearth.call('jobs.get', { jobId: runId })) as JobInfoOf<'agent'>;
      const messages = await hearth.call('conversations.messages', { conversationId: run.result!.conversationId });
      expect(messages.filter((message) => message.role === 'assistant' && message.runId === runId)).toHaveLength(1);
    } finally {
      await hearth.dispose();
    }
  }, 300_000);
});
