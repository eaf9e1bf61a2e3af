/**
 * The model server the team server under test talks to: a second Hearth process (`hearth serve --team`) serving
 * the tiny GGUF on its own `/v1`, with an account and a token made by the CLI as an admin would. A process of its
 * own so its generations do not run on the bench's event loop.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { writeTinyLlama } from '../../tests/fixtures/models/tiny-llama.js';

const run = promisify(execFile);
const hearthBin = fileURLToPath(new URL('../../bin/hearth.js', import.meta.url));

export interface Upstream {
  /** `http://127.0.0.1:PORT`. */
  origin: string;
  /** The API token of its `bench` account: what the team server under test sends as its key. */
  token: string;
  pid: number;
  /** SIGTERM, then SIGKILL if it is still there after 5 s. */
  stop(): Promise<void>;
}

export interface UpstreamOptions {
  /** A folder for its data and model library. */
  dir: string;
  /** Its fair queue's generations at once (HEARTH_GENERATION_CONCURRENCY in its environment). */
  generations: number;
}

export async function startUpstream({ dir, generations }: UpstreamOptions): Promise<Upstream> {
  const dataDir = path.join(dir, 'upstream');
  const models = path.join(dir, 'upstream-models');
  await mkdir(models, { recursive: true });
  await writeTinyLlama(path.join(models, 'tiny.gguf'), { seed: 11 });
  await writeFile(path.join(models, 'models.toml'), '[llm.default]\npath = "tiny.gguf"\nformat = "gguf"\n');
  await run(process.execPath, [hearthBin, 'team', 'user', 'add', 'bench', '--data-dir', dataDir]);
  const created = await run(process.execPath, [hearthBin, 'team', 'token', 'create', 'bench', '--data-dir', dataDir]);
  const token = created.stdout.trim().split('\n').at(-1)!.trim();
  // Every request comes from the one `bench` account: lift its per-person limits, so the queue being measured
  // is the team server's, not this one's.
  const env = { ...process.env, HEARTH_GENERATION_CONCURRENCY: String(generations), HEARTH_USER_CONCURRENCY: String(generations), HEARTH_USER_RPM: '1000000' };
  const child = spawn(process.execPath, [hearthBin, 'serve', '--team', '--port', '0', '--data-dir', dataDir, '--models', models], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const origin = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    const onData = (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /Hearth serves a team at (http:\/\/\S+)/.exec(stdout);
      if (match) {
        child.stdout!.off('data', onData);
        // Keep reading (and dropping) what it prints, so a full pipe never blocks it.
        child.stdout!.resume();
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code, signal) => reject(new Error(`The upstream Hearth exited (${code ?? signal}) before serving:\n${stdout}\n${stderr}`)));
  });
  return { origin, token, pid: child.pid!, stop: () => stopChild(child) };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}
