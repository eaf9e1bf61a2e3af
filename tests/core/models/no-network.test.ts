import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../fixtures/temp-dir.js';

let temp: { dir: string; cleanup(): Promise<void> };
beforeEach(async () => (temp = await makeTempDir()));
afterEach(() => temp.cleanup());

describe('offline by construction', () => {
  it('loads and runs every model provider without opening an outside socket or resolving a name', async () => {
    const log = path.join(temp.dir, 'network.log');
    const child = spawn(
      process.execPath,
      ['--import', path.resolve('tests/fixtures/network/guard.mjs'), '--import', 'tsx', path.resolve('tests/fixtures/network/run-every-provider.ts'), temp.dir],
      { env: { ...process.env, HEARTH_NETWORK_LOG: log }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    expect(stderr.replace(/npm warn.*\n/g, '')).toBe('');
    expect(code).toBe(0);

    const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as { done: string[]; outside: string };
    expect(result.done).toEqual(['local llm', 'local embedder', 'local reranker', 'hash embedder', 'remote provider (loopback)']);
    const entries = (await readFile(log, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; host?: string; mainThread?: boolean });
    // The guard ran in the main thread and in every worker thread the providers started.
    expect(entries.filter((entry) => entry.type === 'guard' && entry.mainThread === false).length).toBeGreaterThanOrEqual(3);
    // The only outside attempt is the one made on purpose at the end, to prove the guard is armed.
    expect(result.outside).toBe('refused');
    expect(entries.filter((entry) => entry.type !== 'guard')).toEqual([{ type: 'connect', host: 'example.com', port: 80, thread: 0 }]);
  });
});
