/** Runs the real `hearth serve` as a child process on a free port, for browser tests. */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface RunningServer {
  url: string;
  /** Everything the server wrote, for a failing test's message. */
  output(): string;
  stop(): Promise<void>;
}

export interface ServerOptions {
  timeoutMs?: number;
  /** The model library folder (`--models`); without it the server uses its default library. */
  modelLibrary?: string;
}

export function startHearthServer(dataDir: string, { timeoutMs = 30_000, modelLibrary }: ServerOptions = {}): Promise<RunningServer> {
  const args = ['serve', '--port', '0', '--data-dir', dataDir, ...(modelLibrary ? ['--models', modelLibrary] : [])];
  const child = spawn(process.execPath, [path.join(repoRoot, 'bin/hearth.js'), ...args], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const killed = await Promise.race([exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 5000))]);
    if (!killed) {
      child.kill('SIGKILL');
      await exited;
    }
  };

  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (why: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void stop().then(() => reject(new Error(`hearth serve ${why}. Its output:\n${output}`)));
    };
    const timer = setTimeout(() => fail(`printed no URL within ${timeoutMs} ms`), timeoutMs);
    child.once('exit', (code, signal) => fail(`exited early (code ${code}, signal ${signal})`));
    child.stdout.on('data', () => {
      const match = /http:\/\/127\.0\.0\.1:\d+\//.exec(output);
      if (!match || settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ url: match[0], output: () => output, stop });
    });
  });
}
