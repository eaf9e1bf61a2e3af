/**
 * One remote OpenAI-compatible server as Hearth calls it: POSTs with the key, a timeout per attempt, retries
 * with backoff on 429 and 5xx (honouring Retry-After), and errors that say which server said what.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { z } from 'zod';
import { HearthError } from '../../../schemas/index.js';
import type { RemoteModelSource } from './library.js';
import { WireError } from './openai-wire.js';
import type { JsonMode } from './remote-json-mode.js';

export interface RemoteOptions {
  /** Base URL up to and including `/v1`. */
  url: string;
  model: string;
  apiKey?: string;
  /** Per attempt, for the response to start (streams are not cut once tokens flow). */
  timeoutMs?: number;
  retries?: number;
  /**
   * How JSON-schema output is asked for, when the server is known: OpenAI's `response_format`, vLLM's
   * `structured_outputs`, or its older `guided_json`. Unset: `response_format`, and `structured_outputs`
   * from the first time the server refuses that (remote-json-mode.ts).
   */
  jsonMode?: JsonMode;
  fetch?: typeof fetch;
}

export function remoteOptionsFrom(source: RemoteModelSource, env: NodeJS.ProcessEnv = process.env): RemoteOptions {
  const apiKey = source.api_key_env ? env[source.api_key_env] : undefined;
  return {
    url: source.url,
    model: source.model,
    ...(apiKey ? { apiKey } : {}),
    ...(source.timeout_ms ? { timeoutMs: source.timeout_ms } : {}),
  };
}

export class RemoteEndpoint {
  readonly base: string;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly fetch: typeof fetch;

  constructor(private readonly options: RemoteOptions) {
    this.base = options.url.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.retries = options.retries ?? 3;
    this.fetch = options.fetch ?? fetch;
  }

  /** POSTs JSON and returns the response once it has started, retrying what a retry can fix. */
  async post(path: string, body: unknown, signal?: AbortSignal): Promise<Response> {
    const url = `${this.base}${path}`;
    for (let attempt = 0; ; attempt++) {
      const timeout = AbortSignal.timeout(this.timeoutMs);
      const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
      let response: Response;
      try {
        response = await this.fetch(url, {
          method: 'POST',
          headers: {
            'Content-Type': 'application/json',
            Accept: 'application/json, text/event-stream',
            ...(this.options.apiKey ? { Authorization: `Bearer ${this.options.apiKey}` } : {}),
          },
          body: JSON.stringify(body),
          signal: combined,
        });
      } catch (error) {
        if (signal?.aborted) throw new HearthError('CANCELLED', `The request to ${url} was cancelled.`);
        const timedOut = timeout.aborted;
        if (attempt < this.retries) {
          await backoff(attempt, undefined, signal);
          continue;
        }
        throw timedOut
          ? new HearthError('TIMEOUT', `${url} did not answer within ${this.timeoutMs} ms (tried ${attempt + 1} times).`, { url })
          : new HearthError('REMOTE_ERROR', `Cannot reach ${url}: ${causeOf(error)}.`, { url });
      }
      if (response.ok) return response;
      const retryable = response.status === 429 || response.status >= 500;
      if (retryable && attempt < this.retries) {
        await response.body?.cancel();
        await backoff(attempt, response.headers.get('retry-after'), signal);
        continue;
      }
      throw new HearthError('REMOTE_ERROR', `${url} answered ${response.status}: ${await errorMessage(response)}`, {
        url,
        status: response.status,
      });
    }
  }

  async json<T extends z.ZodType>(path: string, body: unknown, schema: T, signal?: AbortSignal): Promise<z.output<T>> {
    const response = await this.post(path, body, signal);
    const parsed = schema.safeParse(await response.json().catch(() => undefined));
    if (!parsed.success) {
      throw new HearthError('REMOTE_ERROR', `${this.base}${path} answered with a body that is not the OpenAI format.`, parsed.error.issues);
    }
    return parsed.data;
  }
}

async function backoff(attempt: number, retryAfter: string | null | undefined, signal?: AbortSignal): Promise<void> {
  const fromHeader = retryAfter ? Number(retryAfter) * 1000 : NaN;
  const delay = Number.isFinite(fromHeader) && fromHeader >= 0 ? Math.min(fromHeader, 30_000) : 250 * 2 ** attempt * (0.5 + Math.random());
  try {
    await sleep(delay, undefined, signal ? { signal } : undefined);
  } catch {
    throw new HearthError('CANCELLED', 'The request was cancelled while waiting to retry.');
  }
}

async function errorMessage(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  const parsed = WireError.safeParse(safeJson(text));
  if (parsed.success) return typeof parsed.data.error === 'string' ? parsed.data.error : parsed.data.error.message;
  return text.slice(0, 300) || response.statusText;
}

export function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined; // the caller's schema reports what is wrong
  }
}

export function causeOf(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}
