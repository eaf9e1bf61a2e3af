/** Runs the real `hearth serve` as a child process on a free port, for browser tests. */
import { fileURLToPath } from 'node:url';
import { startHearthServe, type ServingHearth } from '../fixtures/cli.js';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** `url` is the address the server printed, key included: what the user opens. */
export type RunningServer = ServingHearth;

export interface ServerOptions {
  timeoutMs?: number;
  /** The model library folder (`--models`); without it the server uses its default library. */
  modelLibrary?: string;
}

export function startHearthServer(dataDir: string, { timeoutMs = 30_000, modelLibrary }: ServerOptions = {}): Promise<RunningServer> {
  const args = ['--data-dir', dataDir, ...(modelLibrary ? ['--models', modelLibrary] : [])];
  return startHearthServe(args, { cwd: repoRoot, timeoutMs });
}
