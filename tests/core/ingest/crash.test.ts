import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHearth } from '../../../app/core/index.js';
import { makeTempDir } from '../../fixtures/temp-dir.js';
import { search, settleJobs } from '../../fixtures/hearth-runner.js';

let temp: { dir: string; cleanup(): Promise<void> };
beforeEach(async () => (temp = await makeTempDir()));
afterEach(() => temp.cleanup());

/** A file whose passages hold a word found nowhere else, so search can tell which documents are indexed. */
async function writeDocument(folder: string, n: number): Promise<string> {
  const file = path.join(folder, `note-${n}.md`);
  const sections = Array.from({ length: 12 }, (_, s) => `## Part ${s}\n\nMarker zq${n}x appears in part ${s} of note ${n}, with filler text about harbours and lanterns.`);
  await writeFile(file, `# Note ${n}\n\n${sections.join('\n\n')}\n`);
  return file;
}

describe('a real process kill in the middle of ingest', () => {
  it('leaves SQLite, the vectors and the keyword index in agreement after every restart', async () => {
    const dataDir = path.join(temp.dir, 'data');
    const modelLibrary = path.join(temp.dir, 'models');
    const docs = path.join(temp.dir, 'docs');
    await mkdir(docs);
    const files = await Promise.all(Array.from({ length: 40 }, (_, n) => writeDocument(docs, n)));
    const rounds = 6;
    let killedMidway = 0;
    for (let round = 0; round < rounds; round++) {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', path.resolve('tests/fixtures/crash/ingest-forever.ts'), dataDir, modelLibrary, 'Crash', ...files],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let ingested = 0;
      child.stdout.on('data', (chunk: Buffer) => (ingested += chunk.toString().split('\n').filter((line) => line.startsWith('ingested')).length));
      const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
      // Kill at a different moment each round: while starting, between files, inside a file.
      await new Promise((resolve) => setTimeout(resolve, 900 + round * 450));
      const finished = child.exitCode !== null;
      child.kill('SIGKILL');
      await exited;
      if (!finished) killedMidway++;

      const hearth = await createHearth({ dataDir, modelLibrary });
      try {
        const space = hearth.spaces.resolve('Crash');
        if (!space) continue; // killed before the space was created
        // The restart resumed the job the kill interrupted: it ends (done, or failed saying why) before the stores are compared.
        for (const job of await settleJobs(hearth, space.id)) expect(['done', 'failed', 'cancelled']).toContain(job.state);
        const counts = await hearth.indexes.storeCounts(space.id);
        expect(counts.vectorChunkIds).toEqual(counts.sqliteChunkIds);
        expect(counts.keywordChunks).toBe(counts.sqliteChunkIds.length);
        // Every listed document is found by its own marker, and nothing unlisted is.
        const listed = new Set(hearth.documents.list(space.id).map((document) => document.name));
        expect(listed.size).toBeGreaterThanOrEqual(ingested);
        for (let n = 0; n < files.length; n++) {
          const hits = await search(hearth, space.id, `zq${n}x`, 3);
          const found = hits.some((hit) => hit.citation.documentName === `note-${n}.md` && hit.text.includes(`zq${n}x`));
          expect(found, `note-${n}.md listed=${listed.has(`note-${n}.md`)} found=${found}`).toBe(listed.has(`note-${n}.md`));
        }
      } finally {
        await hearth.dispose();
      }
    }
    expect(killedMidway).toBeGreaterThan(0);
  }, 240_000);
});
