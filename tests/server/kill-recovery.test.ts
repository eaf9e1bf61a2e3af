/**
 * `kill -9` of the web-mode process, twenty times, while it adds files and while it prepares a space for a new
 * embedding model (two tiny ONNX encoders, switched every few rounds, so the whole space is re-embedded): after
 * each restart the jobs it was doing resume, and every job ends done or with a reason a user can read. At the
 * end the stores agree — SQLite, the vector table and the keyword index hold the same passages — every file
 * whose job said done is in the library and found by its own words, and no file handed over is lost without a
 * word. Real processes (bin/hearth.js serve), real sockets, real stores.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHearth } from '../../app/core/index.js';
import { followJob } from '../../app/renderer/src/client/follow-job.js';
import { HearthClient } from '../../app/renderer/src/client/hearth-client.js';
import { WsTransport } from '../../app/renderer/src/client/ws-transport.js';
import type { JobInfo } from '../../schemas/index.js';
import { startHearthServe, type ServingHearth } from '../fixtures/cli.js';
import { search, settleJobs } from '../fixtures/hearth-runner.js';
import { writeTinyEncoder } from '../fixtures/models/onnx/index.js';
import { seededUniform } from '../fixtures/seeded-random.js';
import { makeTempDir } from '../fixtures/temp-dir.js';

const kills = 20;

let temp: { dir: string; cleanup(): Promise<void> };
let dataDir: string;
let library: string;

beforeAll(async () => {
  temp = await makeTempDir('hearth-kill-');
  dataDir = path.join(temp.dir, 'data');
  library = path.join(temp.dir, 'library');
  await mkdir(library, { recursive: true });
  await writeTinyEncoder(path.join(library, 'mini'));
  await writeTinyEncoder(path.join(library, 'other'), { seed: 7 });
  await writeFile(
    path.join(library, 'models.toml'),
    ['[embed.mini]', 'path = "mini"', 'format = "onnx"', '', '[embed.other]', 'path = "other"', 'format = "onnx"', ''].join('\n'),
  );
});

afterAll(() => temp.cleanup());

/** A note whose passages all carry a word found nowhere else, so search can tell whether it is indexed. */
function note(n: number): string {
  const parts = Array.from({ length: 60 }, (_, s) => `## Part ${s}\n\nMarker zq${n}x stands in part ${s} of note ${n}, among lanterns, harbours and ferries.`);
  return `# Note ${n}\n\n${parts.join('\n\n')}\n`;
}

function connect(server: ServingHearth): { client: HearthClient; close(): void } {
  const socket = new WebSocket(`${server.origin.replace('http', 'ws')}/rpc`, { headers: { Authorization: `Bearer ${server.token}` } });
  // A kill drops the socket mid-frame; what is in flight fails and is not this test's business.
  socket.on('error', () => undefined);
  const client = new HearthClient(new WsTransport(socket), { onProblem: () => undefined });
  return { client, close: () => client.close() };
}

describe('web mode killed with kill -9 while it works', () => {
  it(`resumes or ends every job with a reason, and keeps the stores in agreement, over ${kills} kills`, async () => {
    const random = seededUniform(42);
    const handedOver: string[] = [];
    const reportedDone = new Set<string>();
    let spaceId: string | undefined;
    let next = 0;
    const killedDuring = { ingest: 0, preparation: 0 };

    for (let round = 0; round < kills; round++) {
      const server = await startHearthServe(['--data-dir', dataDir, '--models', library]);
      const { client, close } = connect(server);
      try {
        spaceId ??= (await client.call('spaces.create', { name: 'Harbour' })).id;
        // Every fourth round the embedding model changes, so the space is re-embedded while files are added.
        if (round % 4 === 3) await client.call('models.use', { kind: 'embed', alias: round % 8 === 3 ? 'other' : 'mini' });
        for (let i = 0; i < 2; i++) {
          const name = `note-${next++}.md`;
          await client.call('documents.ingest', { spaceId, source: { kind: 'bytes', name, base64: Buffer.from(note(next - 1)).toString('base64') } });
          handedOver.push(name);
        }
        // Follow what runs until something is under way, then kill at a moment that differs round to round.
        const running = await client.call('jobs.list', { spaceId });
        for (const job of running) {
          void followJob(client, Promise.resolve(job)).result.then(
            (result) => {
              if (job.kind !== 'space.prepare' && 'document' in result) reportedDone.add(result.document.name);
            },
            () => undefined,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 150 + Math.floor(random() * 900)));
        const busy = await client.call('jobs.list', { spaceId });
        if (busy.some((job) => job.kind === 'space.prepare' && job.state === 'running')) killedDuring.preparation++;
        if (busy.some((job) => job.kind === 'ingest' && job.state === 'running')) killedDuring.ingest++;
      } finally {
        close();
        await server.kill();
      }
    }

    // The restart after the last kill: what was interrupted resumes, and everything ends.
    const hearth = await createHearth({ dataDir, modelLibrary: library });
    try {
      const ended = await settleJobs(hearth, spaceId!);
      const everyJob: JobInfo[] = await hearth.call('jobs.list', { spaceId: spaceId!, states: ['queued', 'running', 'waiting', 'done', 'failed', 'cancelled'], limit: 500 });
      expect(everyJob.filter((job) => !['done', 'failed', 'cancelled'].includes(job.state))).toEqual([]);
      for (const job of [...ended, ...everyJob]) {
        if (job.state !== 'done') expect(job.error?.message, `${job.title} ended ${job.state}`).toMatch(/\w{3,}/);
      }
      const counts = await hearth.indexes.storeCounts(spaceId!);
      expect(counts.vectorChunkIds).toEqual(counts.sqliteChunkIds);
      expect(counts.keywordChunks).toBe(counts.sqliteChunkIds.length);

      const listed = new Set(hearth.documents.list(spaceId!).map((document) => document.name));
      for (const name of reportedDone) expect(listed, `${name} was reported done`).toContain(name);
      // Every file handed over is in the library, or the last job about it says why it is not.
      const ingestJobs = everyJob.filter((job) => job.kind === 'ingest');
      for (const name of handedOver) {
        if (listed.has(name)) continue;
        const last = ingestJobs.find((job) => job.subject === name);
        expect(last?.state, `${name} is not in the library`).toMatch(/failed|cancelled/);
      }
      for (const name of listed) {
        const n = Number(/note-(\d+)\.md/.exec(name)![1]);
        const hits = await search(hearth, spaceId!, `zq${n}x`, 3);
        expect(hits.some((hit) => hit.citation.documentName === name), `${name} is found by its marker`).toBe(true);
      }
      // The kills did land in the middle of both kinds of work.
      expect(killedDuring.ingest).toBeGreaterThan(0);
      expect(killedDuring.preparation).toBeGreaterThan(0);
      expect(listed.size).toBeGreaterThan(handedOver.length / 2);
    } finally {
      await hearth.dispose();
    }
  }, 600_000);
});
