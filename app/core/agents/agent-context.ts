/**
 * What an agent sees of Hearth while it runs: who it acts for, its events (the job's progress), the models
 * (traced: every chat is a span of the run's trace, its tokens counted against the run's budget) and retrieval
 * as the caller, within the caller's spaces, narrowed to the run's space. One per attempt of a run; the models
 * it leased are released when the attempt ends.
 */
import type { AgentEvent, RetrievalHit, SearchFilter } from '../../../schemas/index.js';
import { DisposableStore, type Lease } from '../lifecycle.js';
import type { ChatEvent, ChatModel, ChatRequest, CallOptions, Embedder, ModelRuntime, Reranker } from '../models/index.js';
import type { SpaceIndexes } from '../retrieval/index.js';
import type { Caller } from '../team/index.js';
import { agentStepAttributes, type SpanParent, type Telemetry } from '../telemetry/index.js';
import { isNodeInterrupt } from './graph/index.js';

export interface AgentContext {
  caller: Caller;
  spaceId: string;
  runId: string;
  conversationId: string;
  signal: AbortSignal;
  span: SpanParent;
  /** Progress of the job: journalled, shown to every watcher. */
  emit(event: AgentEvent): void;
  /** Traced; undefined when no LLM is configured. */
  chatModel(): Promise<ChatModel | undefined>;
  embedder(): Promise<Embedder | undefined>;
  reranker(): Promise<Reranker | undefined>;
  /** As the caller, traced. */
  retrieve(query: string, options: { limit: number; filter?: SearchFilter | undefined; documentIds?: string[] | undefined }): Promise<{ hits: RetrievalHit[]; notices: string[] }>;
  /** Tokens a model call used, outside the traced model (which counts its own). */
  addTokens(n: number): void;
}

export interface RunContextDeps {
  models: ModelRuntime;
  indexes: SpaceIndexes;
  telemetry: Telemetry;
}

export interface RunContextInit {
  caller: Caller;
  spaceId: string;
  runId: string;
  conversationId: string;
  signal: AbortSignal;
  span: SpanParent;
  emit(event: AgentEvent): void;
}

/** The context of one attempt of a run. `onTokens` is pointed at the node running now, so its budget counts them. */
export class RunContext implements AgentContext, AsyncDisposable {
  readonly caller: Caller;
  readonly spaceId: string;
  readonly runId: string;
  readonly conversationId: string;
  readonly signal: AbortSignal;
  /** The attempt's span: each step's span is its child. */
  readonly runSpan: SpanParent;
  /** The span of the step running now (the attempt's between steps): what model calls, retrievals and tools nest under. */
  private current: SpanParent;
  /** Tokens used in this attempt, by every model call. */
  tokens = 0;
  onTokens: (n: number) => void = () => undefined;
  private readonly leases = new DisposableStore();
  private chat: Promise<ChatModel | undefined> | undefined;
  private embed: Promise<Embedder | undefined> | undefined;
  private rerank: Promise<Reranker | undefined> | undefined;

  constructor(
    private readonly deps: RunContextDeps,
    init: RunContextInit,
  ) {
    this.caller = init.caller;
    this.spaceId = init.spaceId;
    this.runId = init.runId;
    this.conversationId = init.conversationId;
    this.signal = init.signal;
    this.runSpan = init.span;
    this.current = init.span;
    this.emit = init.emit;
  }

  get span(): SpanParent {
    return this.current;
  }

  /**
   * Runs a graph node as an `agent.step` span of the attempt, the parent of what the node does. A node that asks
   * something (an interrupt) ends its span marked so, not as failed.
   */
  async inStep<R>(agent: string, node: string, step: number, work: () => Promise<R> | R): Promise<R> {
    const span = this.deps.telemetry.startSpan(`agent.step ${node}`, { parent: this.runSpan, spaceId: this.spaceId, attributes: { ...agentStepAttributes(agent, step), 'hearth.agent.node': node } });
    const previous = this.current;
    this.current = { traceId: span.traceId, spanId: span.spanId };
    try {
      return await work();
    } catch (error) {
      if (isNodeInterrupt(error)) span.set({ 'hearth.agent.interrupted': true });
      else span.fail(error);
      throw error;
    } finally {
      this.current = previous;
      span.end();
    }
  }

  emit: (event: AgentEvent) => void;

  chatModel(): Promise<ChatModel | undefined> {
    // Load once: two nodes asking at once share the lease.
    this.chat ??= this.lease(this.deps.models.leaseChatModel()).then((model) => (model ? this.counted(model) : undefined));
    return this.chat;
  }

  embedder(): Promise<Embedder | undefined> {
    this.embed ??= this.lease(this.deps.models.leaseEmbedder());
    return this.embed;
  }

  reranker(): Promise<Reranker | undefined> {
    this.rerank ??= this.lease(this.deps.models.leaseReranker());
    return this.rerank;
  }

  async retrieve(query: string, options: { limit: number; filter?: SearchFilter | undefined; documentIds?: string[] | undefined }): Promise<{ hits: RetrievalHit[]; notices: string[] }> {
    const filter = options.documentIds?.length ? { ...options.filter, documentIds: options.documentIds } : options.filter;
    return this.deps.telemetry.inSpan('retrieval', { parent: this.span, spaceId: this.spaceId, attributes: { 'hearth.retrieval.query': query } }, async (span) => {
      const { hits, notices } = await this.deps.indexes.search(this.caller, { spaceId: this.spaceId, query, limit: options.limit, filter }, this.signal);
      span.set({ 'hearth.retrieval.sources': hits.map((hit) => [hit.citation.documentName, ...hit.citation.headingPath].join(' › ')) });
      return { hits, notices };
    });
  }

  addTokens(n: number): void {
    this.tokens += n;
    this.onTokens(n);
  }

  dispose(): Promise<void> {
    return this.leases.dispose();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }

  private async lease<T>(leasing: Promise<Lease<T> | undefined>): Promise<T | undefined> {
    const lease = await leasing;
    if (!lease) return undefined;
    this.leases.add({ dispose: () => lease.release() });
    return lease.value;
  }

  /** The model, its tokens counted against the run as each reply finishes. */
  private counted(model: ChatModel): ChatModel {
    const context = this;
    return {
      id: model.id,
      ...(model.device !== undefined ? { device: model.device } : {}),
      async *chat(request: ChatRequest, options?: CallOptions): AsyncGenerator<ChatEvent> {
        // Traced per call, under the step running now.
        const told: CallOptions = {
          ...options,
          // A shared model's line: the person sees why nothing has come yet.
          onQueued: (wait) => {
            options?.onQueued?.(wait);
            context.emit({ type: 'notice', text: waitNotice(wait) });
          },
        };
        for await (const event of context.deps.telemetry.traceChatModel(model, context.span).chat(request, told)) {
          if (event.type === 'finish') context.addTokens(event.usage.promptTokens + event.usage.completionTokens);
          yield event;
        }
      },
      // The lease owns the model; the run never disposes it.
      dispose: async () => undefined,
    };
  }
}

/** "Waiting for the model: 3 requests ahead of you (about 40 s)." */
export function waitNotice({ aheadOfYou, waitSeconds }: { aheadOfYou: number; waitSeconds: number }): string {
  const ahead = aheadOfYou === 0 ? 'the model is busy' : `${aheadOfYou} ${aheadOfYou === 1 ? 'request' : 'requests'} ahead of you`;
  return `Waiting for the model: ${ahead}${waitSeconds > 0 ? ` (about ${waitSeconds} s)` : ''}.`;
}
