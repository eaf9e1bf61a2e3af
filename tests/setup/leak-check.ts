/**
 * After every test file: no worker thread a model or the ingest pool started is still running, and no server
 * the file started is still listening. Whatever creates a resource disposes it; this is where a forgotten one
 * shows (VS Code's leak check for disposables).
 */
import { afterAll, expect } from 'vitest';
import { liveWorkerThreads } from '../../app/core/threads/index.js';

const listening = () => process.getActiveResourcesInfo().filter((resource) => resource === 'TCPServerWrap');

afterAll(async () => {
  // A terminated worker reports its exit, and a closed server lets go of its handle, on later turns of the event loop.
  for (let wait = 0; wait < 50 && (liveWorkerThreads().length > 0 || listening().length > 0); wait++) await new Promise((resolve) => setTimeout(resolve, 20));
  expect(liveWorkerThreads(), 'worker threads left running at the end of the file').toEqual([]);
  expect(listening(), 'servers left listening at the end of the file').toEqual([]);
});
