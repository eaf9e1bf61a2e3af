/**
 * The Hearth core, composed: storage, spaces, ingest, retrieval and chat behind the one RPC dispatcher.
 * The Electron main process, the web server and the CLI each create one and dispose it when done.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { HearthError, type IngestProgress, type IngestResult, type DocumentSource, type RetrievalHit, type SearchFilter } from '../../schemas/index.js';
import type { SpacePrepareProgress, SpacePrepareResult } from '../../schemas/index.js';
import { askQuestion, Conversations } from './chat/index.js';
import { ModelRuntime, defaultLibraryFolder, findModel, importModel, smokeCheck, type Embedder } from './models/index.js';
import { locateCitation } from './citations/index.js';
import { deleteDocument, ingestDocument, notInLibrary, recoverInFlight, reingestDocument } from './ingest/index.js';
import { Documents, Replacements, searchableText } from './library/index.js';
import { ParsePool, type ParseInput } from './parsers/index.js';
import { KeywordIndex, VectorStore, retrievePassages, syncSpaceVectors } from './retrieval/index.js';
import { Dispatcher, type Handlers } from './rpc/index.js';
import { SpacePreparations, Spaces, type SpacePreparation, type SpacePreparationState } from './spaces/index.js';
import { hearthVersion } from './package-root.js';
import { BlobStore, Settings, openDatabase, type Db } from './storage/index.js';

export interface HearthOptions {
  dataDir: string;
  /** The largest file ingest accepts; default `HEARTH_MAX_FILE_MB` or 32 MB. */
  maxFileBytes?: number;
  /** The model library folder; default `HEARTH_MODELS`, `MODEL_DIR`, or the bundled one. */
  modelLibrary?: string;
  /** Ingest worker threads; default one per core but one (see ParsePool). */
  parseWorkers?: number;
}


export class Hearth {
  readonly dispatcher: Dispatcher;
  readonly spaces: Spaces;
  readonly documents: Documents;
  /** Which document replaced which (re-reads, changed files added again), so old citations still open. */
  readonly replacements: Replacements;
  readonly conversations: Conversations;
  readonly models: ModelRuntime;
  private readonly keywordIndex: KeywordIndex;
  /** Ingest worker threads, started with the first file. */
  private parsePool: ParsePool | undefined;
  private readonly blobs: BlobStore;
  /** Per space: its indexes opened and synced for the active embedder, in flight, done or failed (see openSpace). */
  private readonly preparations = new SpacePreparations();
  private disposed = false;
  private vectors: Promise<VectorStore> | undefined;
  private readonly maxFileBytes: number;

  private constructor(
    readonly dataDir: string,
    private readonly db: Db,
    maxFileBytes: number,
    modelLibrary: string,
    private readonly parseWorkers: number | undefined,
  ) {
    this.maxFileBytes = maxFileBytes;
    this.models = new ModelRuntime(modelLibrary, new Settings(db));
    this.spaces = new Spaces(db);
    this.documents = new Documents(db);
    this.replacements = new Replacements(db, this.documents);
    this.conversations = new Conversations(db);
    this.keywordIndex = new KeywordIndex(path.join(dataDir, 'keyword'));
    this.blobs = new BlobStore(path.join(dataDir, 'blobs'));
    this.dispatcher = new Dispatcher(this.handlers());
  }

  static async open(options: HearthOptions): Promise<Hearth> {
    const dataDir = path.resolve(options.dataDir);
    const db = openDatabase(dataDir);
    const hearth = new Hearth(dataDir, db, options.maxFileBytes ?? defaultMaxFileBytes(), path.resolve(options.modelLibrary ?? defaultLibraryFolder()), options.parseWorkers);
    recoverInFlight(hearth.ingestDeps());
    return hearth;
  }

  ingest(
    spaceId: string,
    source: DocumentSource,
    signal?: AbortSignal,
    options: { password?: string | undefined; project?: string | undefined } = {},
  ): AsyncGenerator<IngestProgress, IngestResult> {
    const hearth = this;
    return (async function* () {
      const indexes = await hearth.openSpace(spaceId);
      return yield* ingestDocument({ ...hearth.ingestDeps(), ...indexes, currentEmbedder: hearth.currentEmbedder(spaceId) }, { spaceId, source, ...options }, signal);
    })();
  }

  /**
   * Reads a document again from its stored original and replaces it once the new reading is indexed (see
   * `reingestDocument`); progress and result are those of {@link ingest}.
   */
  reingest(documentId: string, signal?: AbortSignal, options: { password?: string | undefined } = {}): AsyncGenerator<IngestProgress, IngestResult> {
    const hearth = this;
    return (async function* () {
      const document = hearth.documents.findById(documentId);
      if (!document) throw notInLibrary(documentId);
      const indexes = await hearth.openSpace(document.spaceId);
      return yield* reingestDocument({ ...hearth.ingestDeps(), ...indexes, currentEmbedder: hearth.currentEmbedder(document.spaceId) }, { documentId, ...options }, signal);
    })();
  }

  /** The space's embedder once the space is prepared for it (for an ingest that outlived a change of model). */
  private currentEmbedder(spaceId: string): () => Promise<Embedder> {
    return async () => (await this.openSpace(spaceId)).embedder;
  }

  async deleteDocument(documentId: string): Promise<void> {
    const spaceId = this.documents.get(documentId).spaceId;
    const indexes = await this.openSpace(spaceId);
    await deleteDocument({ ...this.ingestDeps(), ...indexes }, documentId);
  }

  private ingestDeps() {
    return {
      db: this.db,
      spaces: this.spaces,
      documents: this.documents,
      replacements: this.replacements,
      blobs: this.blobs,
      keywordIndex: this.keywordIndex,
      maxFileBytes: this.maxFileBytes,
      parse: (input: ParseInput, options: { signal?: AbortSignal }) => (this.parsePool ??= new ParsePool(this.parseWorkers ? { size: this.parseWorkers } : {})).parse(input, options),
    };
  }

  /**
   * Retrieval within one space: BM25 and vectors fused by RRF (reranked when a reranker is active). With only
   * the built-in hash embedder, BM25 alone: on SciFact it scored 0.680 nDCG@10 against hybrid's 0.561, the
   * hash ranking diluting the fusion (docs/benchmarks.md). The hash vectors are still kept, cheaply, so the
   * vector path stays whole.
   */
  async search(spaceId: string, query: string, limit: number, signal?: AbortSignal, filter?: SearchFilter): Promise<RetrievalHit[]> {
    const { embedder, vectorStore } = await this.openSpace(spaceId);
    const reranker = await this.models.reranker().catch(() => undefined);
    const { hits } = await retrievePassages(
      this.db,
      { keywordIndex: this.keywordIndex, vectorStore, embedder, ...(reranker ? { reranker } : {}) },
      {
        query,
        mode: reranker ? 'hybrid+rerank' : embedder === this.models.hashEmbedder ? 'keyword' : 'hybrid',
        allowedSpaces: [spaceId],
        limit,
        // A cross-encoder over 30 passages took ~5 s on 2 CPU cores (docs/benchmarks.md): rerank the top few.
        rerankTop: Math.max(limit, 10),
        ...(filter ? { filter } : {}),
      },
      signal ? { signal } : {},
    );
    return hits.map(({ citation, text, score }) => ({ citation, text, score }));
  }

  /** Answers from the space's documents; a filter narrows the passages to the documents it lets through. */
  async *ask(
    request: { spaceId: string; question: string; conversationId?: string | undefined; filter?: SearchFilter | undefined },
    signal?: AbortSignal,
  ) {
    await this.openSpace(request.spaceId);
    const { filter, ...question } = request;
    const retrieveInSpace = (query: string, limit: number) => this.search(request.spaceId, query, limit, signal, filter);
    const deps = { conversations: this.conversations, retrieve: retrieveInSpace, chatModel: () => this.models.chatModel() };
    const narrowed = filter !== undefined && Object.values(filter).some((value) => value !== undefined);
    return yield* askQuestion(deps, { ...question, narrowed }, signal);
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    await this.preparations.dispose(); // before the models and the vector store it uses are closed
    await this.parsePool?.dispose();
    await this.models.dispose();
    await this.keywordIndex.flush();
    await (await this.vectors?.catch(() => undefined))?.dispose();
    this.db.close();
  }

  /**
   * What each store holds for a space, after opening it (which reconciles the derived indexes with SQLite):
   * the chunk ids of its ready documents in SQLite and in the vector table, and the keyword index's size.
   * The three agree unless a store is damaged; `hearth doctor` and the crash tests read it.
   */
  async storeCounts(spaceId: string): Promise<{ sqliteChunkIds: number[]; vectorChunkIds: number[]; keywordChunks: number }> {
    const { vectorStore } = await this.openSpace(spaceId);
    return {
      sqliteChunkIds: [...this.documents.chunksOfSpace(spaceId)].map((chunk) => chunk.id).sort((a, b) => a - b),
      vectorChunkIds: (await vectorStore.chunkIds(spaceId)).sort((a, b) => a - b),
      keywordChunks: this.keywordIndex.size(spaceId),
    };
  }

  /**
   * Prepares a space for search (see {@link openSpace}) and follows the preparation: the one in flight is
   * joined, never started twice, and every watcher gets its progress. Aborting `signal` stops this watcher
   * only; the work goes on for the others and for the requests waiting on it. A space already prepared for
   * the active embedder answers `current` at once.
   */
  prepareSpace(spaceId: string, signal?: AbortSignal): AsyncGenerator<SpacePrepareProgress, SpacePrepareResult> {
    const hearth = this;
    return (async function* () {
      for (;;) {
        const { preparation } = await hearth.startPreparing(spaceId);
        if (preparation.succeeded) return { status: 'current' as const, embedded: 0, removed: 0 };
        try {
          return yield* preparation.watch(signal);
        } catch (error) {
          if (signal?.aborted || !(await hearth.replacedByNewEmbedder(preparation))) throw error;
        }
      }
    })();
  }

  /** Where a space's preparation is: idle, embedding (how far), or failed (why). */
  preparationState(spaceId: string): SpacePreparationState {
    return this.preparations.state(spaceId);
  }

  /**
   * Opens a space's indexes on first use (and again when the active embedder changes), waiting for the
   * preparation every request in the space shares: the keyword index is loaded, or rebuilt from SQLite when
   * older than the space's generation; the vector table is synced with SQLite for the active embedder
   * (missing chunks embedded, extra ones dropped, all re-embedded for a new embedder).
   */
  private async openSpace(spaceId: string): Promise<{ embedder: Embedder; vectorStore: VectorStore }> {
    for (;;) {
      const { embedder, vectorStore, preparation } = await this.startPreparing(spaceId);
      try {
        await preparation.finished;
        return { embedder, vectorStore };
      } catch (error) {
        if (!(await this.replacedByNewEmbedder(preparation))) throw error;
      }
    }
  }

  /** The space's preparation for the active embedder: joined when in flight or done, started otherwise. */
  private async startPreparing(spaceId: string): Promise<{ embedder: Embedder; vectorStore: VectorStore; preparation: SpacePreparation }> {
    this.spaces.get(spaceId);
    const embedder = await this.models.embedder();
    if (embedder.dimensions === 0) await embedder.embed(['dimensions']); // a remote embedder tells its size on first use
    const vectorStore = await (this.vectors ??= VectorStore.open(path.join(this.dataDir, 'vectors')));
    const preparation = this.preparations.prepare(spaceId, embedder.id, (signal) => this.prepareIndexes(spaceId, embedder, vectorStore, signal));
    return { embedder, vectorStore, preparation };
  }

  /** A preparation's work: the keyword index opened, then the vector table synced, with the sync's progress. */
  private async *prepareIndexes(
    spaceId: string,
    embedder: Embedder,
    vectorStore: VectorStore,
    signal: AbortSignal,
  ): AsyncGenerator<SpacePrepareProgress, SpacePrepareResult> {
    const chunks = () =>
      [...this.documents.chunksOfSpace(spaceId)].map((chunk) => ({
        id: chunk.id,
        text: searchableText(chunk),
        documentId: chunk.documentId,
        type: chunk.format,
        project: chunk.project,
        createdAt: chunk.createdAt,
      }));
    const generation = this.spaces.generation(spaceId);
    if (!this.keywordIndex.isOpen(spaceId)) await this.keywordIndex.open(spaceId, generation, chunks);
    return yield* syncSpaceVectors({ store: vectorStore, embedder }, { spaceId, generation, chunks }, signal);
  }

  /**
   * Whether a preparation failed because the embedding model changed under it (a new one cancels it, and
   * loading the new model closes the old one mid-batch): then the caller follows the new preparation.
   */
  private async replacedByNewEmbedder(preparation: SpacePreparation): Promise<boolean> {
    if (this.disposed) return false;
    return (await this.models.embedder()).id !== preparation.embedderId;
  }

  private handlers(): Handlers {
    return {
      'app.info': async () => ({
        version: hearthVersion(),
        dataDir: this.dataDir,
        answerMode: (await this.models.active('llm')) ? ('llm' as const) : ('extractive' as const),
      }),
      'spaces.list': async () => this.spaces.list(),
      'spaces.create': async ({ name }) => this.spaces.create(name),
      'spaces.prepare': ({ spaceId }, { signal }) => this.prepareSpace(spaceId, signal),
      'documents.list': async ({ spaceId }) => {
        this.spaces.get(spaceId);
        return this.documents.list(spaceId);
      },
      'documents.ingest': ({ spaceId, source, password, project }, { signal }) => this.ingest(spaceId, source, signal, { password, project }),
      'documents.reingest': ({ documentId, password }, { signal }) => this.reingest(documentId, signal, { password }),
      'documents.delete': async ({ documentId }) => {
        await this.deleteDocument(documentId);
        return {};
      },
      // A citation keeps the id of the reading it was made from: these answer with the document that replaced it.
      'documents.original': async ({ documentId }) => {
        const document = this.replacements.current(documentId);
        const bytes = await readFile(this.blobs.pathOf(document.sha256));
        return { document, base64: bytes.toString('base64') };
      },
      'documents.text': async ({ documentId }) => {
        const document = this.replacements.current(documentId);
        return { document, text: this.documents.text(document.id) };
      },
      'citations.locate': async ({ citation }) => locateCitation({ documents: this.documents, replacements: this.replacements }, citation),
      'search.query': ({ spaceId, query, limit, filter }, { signal }) => this.search(spaceId, query, limit, signal, filter),
      'conversations.list': async ({ spaceId }) => {
        this.spaces.get(spaceId);
        return this.conversations.list(spaceId);
      },
      'conversations.messages': async ({ conversationId }) => this.conversations.messages(conversationId),
      'chat.ask': (params, { signal }) => this.ask(params, signal),
      'models.list': () => this.models.describe(),
      'models.check': async ({ kind, alias }, { signal }) => {
        const entry = findModel(await this.models.library({ reload: true }), kind, alias);
        if (!entry) throw new HearthError('MODEL_NOT_FOUND', `There is no ${kind} model "${alias}" in the library.`);
        return smokeCheck(entry, { signal });
      },
      'models.use': async ({ kind, alias }) => {
        await this.models.use(kind, alias);
        return this.models.describe();
      },
      'models.import': async ({ path: source, alias, kind }) => {
        const result = await importModel({ library: this.models.libraryFolder, source, ...(alias ? { alias } : {}), ...(kind ? { kind } : {}) });
        await this.models.library({ reload: true });
        return result;
      },
    };
  }
}

export function createHearth(options: HearthOptions): Promise<Hearth> {
  return Hearth.open(options);
}

function defaultMaxFileBytes(): number {
  const fromEnv = Number(process.env.HEARTH_MAX_FILE_MB);
  if (process.env.HEARTH_MAX_FILE_MB !== undefined && !(fromEnv > 0)) {
    throw new HearthError('BAD_REQUEST', `HEARTH_MAX_FILE_MB must be a positive number of megabytes, not "${process.env.HEARTH_MAX_FILE_MB}".`);
  }
  return Math.round((fromEnv > 0 ? fromEnv : 32) * 1024 * 1024);
}
