import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHearth, type Hearth } from '../../app/core/index.js';
import { createMetrics, type Metrics } from '../../app/server/metrics.js';
import { travelPolicy } from '../fixtures/documents.js';
import { drain, failureOf, ingestFile } from '../fixtures/hearth-runner.js';
import { ScriptedChatModel } from '../fixtures/scripted-models.js';
import { makeTempDir } from '../fixtures/temp-dir.js';

let temp: { dir: string; cleanup(): Promise<void> };
let hearth: Hearth;
let metrics: Metrics;

beforeEach(async () => {
  temp = await makeTempDir();
  hearth = await createHearth({ dataDir: path.join(temp.dir, 'data'), modelLibrary: path.join(temp.dir, 'models') });
  metrics = createMetrics({ hearth });
});

afterEach(async () => {
  metrics.dispose();
  await hearth.dispose();
  await temp.cleanup();
});

/** The value of one series in the exposition text (`name{labels}` exactly as written there). */
function valueOf(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('team server metrics', () => {
  it('counts calls by method and outcome, times them, and shows connections and jobs', async () => {
    const space = await hearth.call('spaces.create', { name: 'Work' });
    await hearth.call('spaces.list', {});
    await hearth.call('spaces.list', {});
    const refused = await failureOf(hearth.call('spaces.create', { name: '' }));
    expect(refused.code).toBe('BAD_REQUEST');
    const closeFirst = metrics.connectionOpened();
    const closeSecond = metrics.connectionOpened();
    expect(valueOf(await metrics.text(), 'hearth_ws_connections')).toBe(2);
    closeFirst();
    closeFirst();
    closeSecond();
    const file = path.join(temp.dir, 'policy.md');
    await writeFile(file, travelPolicy);
    await ingestFile(hearth, space.id, { kind: 'path', path: file });

    const text = await metrics.text();
    expect(text).toContain('hearth_rpc_requests_total{method="spaces.create",code="ok"} 1');
    expect(text).toContain('hearth_rpc_requests_total{method="spaces.create",code="BAD_REQUEST"} 1');
    expect(text).toContain('hearth_rpc_requests_total{method="spaces.list",code="ok"} 2');
    expect(text).toContain('hearth_rpc_duration_seconds_bucket{le="+Inf",method="spaces.list"} 2');
    expect(text).toContain('hearth_rpc_duration_seconds_count{method="spaces.list"} 2');
    expect(text).toContain('hearth_ws_connections 0');
    // The ingest's job (and the space's preparation it started) ran to its end; every state is shown, those with no job at zero.
    const done = await hearth.call('jobs.list', { spaceId: space.id, states: ['done'] });
    expect(done.map((job) => job.kind)).toContain('ingest');
    expect(text).toContain(`hearth_jobs{state="done"} ${done.length}`);
    for (const state of ['queued', 'running', 'waiting', 'failed', 'cancelled']) expect(text).toContain(`hearth_jobs{state="${state}"} 0`);
    // No model runtime queue here (or nothing in it): zero, not missing.
    expect(text).toContain('hearth_generations_queued 0');
    expect(text).toContain('hearth_generations_running 0');
    // Node's own figures, in this instance's registry.
    expect(text).toContain('process_cpu_user_seconds_total');
  });

  it("times an answer's retrieval and a model call from the spans they end", async () => {
    const space = hearth.spaces.create('Work');
    const file = path.join(temp.dir, 'policy.md');
    await writeFile(file, travelPolicy);
    await ingestFile(hearth, space.id, { kind: 'path', path: file });
    await drain(hearth.stream('chat.ask', { spaceId: space.id, question: 'How long do I have to claim a refund for train tickets?' }));

    const model = hearth.telemetry.traceChatModel(new ScriptedChatModel(() => 'Thirty days from the date of travel.', { pieceDelayMs: 2 }), undefined);
    for await (const event of model.chat({ messages: [{ role: 'user', content: 'How long?' }] })) expect(event.type).not.toBe('warning');

    const text = await metrics.text();
    expect(valueOf(text, 'hearth_retrieval_duration_seconds_count')).toBe(1);
    expect(valueOf(text, 'hearth_retrieval_duration_seconds_bucket{le="+Inf"}')).toBe(1);
    expect(valueOf(text, 'hearth_llm_time_to_first_token_seconds_count{model="scripted"}')).toBe(1);
    expect(valueOf(text, 'hearth_llm_tokens_per_second_count{model="scripted"}')).toBe(1);
    expect(valueOf(text, 'hearth_llm_tokens_per_second_sum{model="scripted"}')).toBeGreaterThan(0);
  });

  it('keeps two servers in one process apart, and stops counting once disposed', async () => {
    const other = createMetrics({ hearth });
    await hearth.call('spaces.list', {});
    expect(await other.text()).toContain('hearth_rpc_requests_total{method="spaces.list",code="ok"} 1');
    other.dispose();
    other.dispose();
    await hearth.call('spaces.list', {});
    expect(await other.text()).toBe('\n');
    expect(await metrics.text()).toContain('hearth_rpc_requests_total{method="spaces.list",code="ok"} 2');
  });
});
