/**
 * Phase 1, load: C WebSocket clients, each signed in as one of the people (cycled), ask `search.query` in a loop
 * and, every Kth request overall, a `chat.ask` read to its end (at most a few at once, so the clients measure the
 * server rather than all standing in the model's line). Samples this process's RSS and open file handles every
 * 10 s: the team server runs in this process, beside the clients.
 */
import { readdirSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { connectRpc, type RpcConnection } from './rpc-client.js';
import { RequestLog } from './figures.js';
import type { Person } from './team-under-test.js';

export interface LoadOptions {
  origin: string;
  spaceId: string;
  people: Person[];
  queries: string[];
  clients: number;
  durationMs: number;
  /** Every Kth request is a chat.ask. */
  chatEvery: number;
  /** Chats in flight at most; a chat's turn past that is a search instead. */
  chatsAtOnce: number;
  sampleEveryMs?: number;
}

export interface Sample {
  atMs: number;
  rss: number;
  /** V8's heap in use: RSS growing while this stays flat is native memory (SQLite, buffers) or the allocator keeping pages. */
  heapUsed: number;
  fds: number;
}

export interface LoadOutcome {
  /** Requests after the warm-up (the first 20% of the time). */
  log: RequestLog;
  /** Errors over the whole run, warm-up included. */
  errors: RequestLog;
  samples: Sample[];
  warmUpMs: number;
  elapsedMs: number;
  connectMs: number;
}

export function sample(startedAt: number): Sample {
  const { rss, heapUsed } = process.memoryUsage();
  return { atMs: performance.now() - startedAt, rss, heapUsed, fds: openFileHandles() };
}

/** Entries in /proc/self/fd (sockets, files, pipes); -1 where there is no /proc. */
function openFileHandles(): number {
  try {
    return readdirSync('/proc/self/fd').length;
  } catch (error) {
    // Not Linux: the figure is left out rather than guessed.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return -1;
    throw error;
  }
}

export async function runLoad(options: LoadOptions): Promise<LoadOutcome> {
  const log = new RequestLog();
  const errors = new RequestLog();
  const connectStarted = performance.now();
  const connections: RpcConnection[] = [];
  try {
    // Fifty at a time: a thundering herd of upgrades is another bench.
    for (let first = 0; first < options.clients; first += 50) {
      const batch = Array.from({ length: Math.min(50, options.clients - first) }, (_, i) => connectRpc(options.origin, options.people[(first + i) % options.people.length]!.token));
      connections.push(...(await Promise.all(batch)));
    }
    const connectMs = performance.now() - connectStarted;
    const startedAt = performance.now();
    const warmUpMs = options.durationMs * 0.2;
    const deadline = startedAt + options.durationMs;
    const samples: Sample[] = [sample(startedAt)];
    const sampler = setInterval(() => samples.push(sample(startedAt)), options.sampleEveryMs ?? 10_000);
    let issued = 0;
    let chatsInFlight = 0;
    const client = async (connection: RpcConnection, index: number) => {
      let own = index;
      while (performance.now() < deadline) {
        const chat = ++issued % options.chatEvery === 0 && chatsInFlight < options.chatsAtOnce;
        const method = chat ? 'chat.ask' : 'search.query';
        const query = options.queries[own++ % options.queries.length]!;
        const started = performance.now();
        try {
          if (chat) {
            chatsInFlight++;
            try {
              await connection.call('chat.ask', { spaceId: options.spaceId, question: `What does the note say about the ${query}?` });
            } finally {
              chatsInFlight--;
            }
          } else {
            await connection.call('search.query', { spaceId: options.spaceId, query, limit: 8 });
          }
          if (started - startedAt >= warmUpMs) log.record(method, performance.now() - started);
        } catch (error) {
          errors.failed(method, String((error as { code?: unknown }).code ?? 'THROWN'));
          // A refusal comes back at once: back off rather than spin.
          await sleep(100);
        }
      }
    };
    await Promise.all(connections.map((connection, index) => client(connection, index)));
    clearInterval(sampler);
    const elapsedMs = performance.now() - startedAt;
    samples.push(sample(startedAt));
    return { log, errors, samples, warmUpMs, elapsedMs, connectMs };
  } finally {
    await Promise.all(connections.map((connection) => connection.close()));
  }
}
