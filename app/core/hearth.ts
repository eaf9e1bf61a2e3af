/**
 * The Hearth core, composed: the stores, each capability built on them, and their handlers merged into the one
 * RPC dispatcher. The Electron main process, the web server and the CLI each create one and dispose it when done.
 * Nothing here does work of its own; a capability's behaviour lives in its folder.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { HearthError, type CallMethod, type EventOf, type ParamsIn, type Result, type StreamMethod } from '../../schemas/index.js';
import { Agents, agentsHandlers, reportClaimChecker, type RunLimits } from './agents/index.js';
import { ArtifactStore } from './artifacts/index.js';
import { citationsHandlers } from './citations/index.js';
import { Conversations, chatHandlers } from './chat/index.js';
import { Ingest, Uploads, documentsHandlers } from './ingest/index.js';
import { Jobs, jobsHandlers } from './jobs/index.js';
import { Documents, Replacements } from './library/index.js';
import { ModelRuntime, defaultLibraryFolder, modelsHandlers } from './models/index.js';
import { Calendar, Tasks, planningHandlers } from './planning/index.js';
import { Reports, reportsHandlers } from './reports/index.js';
import { KeywordIndex, SpaceIndexes, searchHandlers } from './retrieval/index.js';
import { Dispatcher, type SpaceResolver } from './rpc/index.js';
import { Spaces, spacesHandlers } from './spaces/index.js';
import { Team, localOwner, teamHandlers, type Caller } from './team/index.js';
import { hearthVersion } from './package-root.js';
import { DisposableStore, toDisposable } from './lifecycle.js';
import { BlobStore, DataLock, Settings, openDatabase, type Db } from './storage/index.js';
import { Telemetry, tracesHandlers } from './telemetry/index.js';
import { ToolRegistry, createTools, userDateDefaults } from './tools/index.js';

export interface HearthOptions {
  dataDir: string;
  /** The largest file ingest accepts; default `HEARTH_MAX_FILE_MB` or 32 MB. */
  maxFileBytes?: number;
  /** The model library folder; default `HEARTH_MODELS`, `MODEL_DIR`, or the bundled one. */
  modelLibrary?: string;
  /** Ingest worker threads; default one per core but one (see ParsePool). */
  parseWorkers?: number;
  /** How far an agent run goes before it asks whether to go on; default 40 steps, 10 minutes, 200k tokens. */
  agentLimits?: RunLimits;
}

export class Hearth implements AsyncDisposable {
  readonly dispatcher: Dispatcher;
  readonly spaces: Spaces;
  /** A team server's accounts, tokens, space grants and audit trail (empty on a desktop). */
  readonly team: Team;
  readonly documents: Documents;
  /** Which document replaced which (re-reads, changed files added again), so old citations still open. */
  readonly replacements: Replacements;
  readonly conversations: Conversations;
  readonly models: ModelRuntime;
  /** Each space's keyword and vector indexes, prepared for the active embedder; search within a caller's spaces. */
  readonly indexes: SpaceIndexes;
  readonly ingest: Ingest;
  /** Files streamed to the team server (`POST /upload`), waiting for their uploader to add them; each uploader's quota. */
  readonly uploads: Uploads;
  /** The largest file ingest (and an upload) accepts. */
  readonly maxFileBytes: number;
  /** Long work (adding files, re-reading them, preparing spaces, making reports): durable, watched by any number of windows. */
  readonly jobs: Jobs;
  /** Schema-shaped reports from a space's documents (`report` jobs), their templates and rendered files. */
  readonly reports: Reports;
  /** The files reports were rendered to, versioned. */
  readonly artifacts: ArtifactStore;
  /** Spans of answers and agent runs, kept for the trace view and sent to an OTLP endpoint when one is configured. */
  readonly telemetry: Telemetry;
  /** A space's tasks (owner, due date, dependencies), made by people and by agents' `tasks` tool. */
  readonly tasks: Tasks;
  /** A space's calendar: events added or imported from a user's .ics, free slots, conflicts, .ics export. */
  readonly calendar: Calendar;
  /** What agents can do in the world (search, read, tasks, calendar, dates, export, email drafts), every call checked and traced. */
  readonly tools: ToolRegistry;
  /** Requests routed to the RAG, Planner or Report agent, run as durable `agent` jobs, side effects behind approvals. */
  readonly agents: Agents;
  /**
   * What Hearth holds, closed in reverse order: calls refused first, then running jobs stopped (to resume at the
   * next start) before the indexes they write, the worker threads and the models close, then telemetry (the last
   * spans sent), the database and the folder's lock.
   */
  private readonly owned = new DisposableStore();

  private constructor(
    readonly dataDir: string,
    lock: DataLock,
    db: Db,
    options: { maxFileBytes: number; modelLibrary: string; parseWorkers?: number | undefined; agentLimits?: RunLimits | undefined },
  ) {
    this.owned.add(toDisposable(() => lock.release()));
    this.owned.add(toDisposable(() => db.close()));
    // Closed after the jobs and models (their last spans end as they stop) and before the database it writes.
    this.telemetry = this.owned.add(new Telemetry(db, { serviceVersion: hearthVersion() }));
    this.models = this.owned.add(new ModelRuntime(options.modelLibrary, new Settings(db)));
    this.spaces = new Spaces(db);
    this.team = new Team(db);
    this.documents = new Documents(db);
    this.replacements = new Replacements(db, this.documents);
    this.conversations = new Conversations(db);
    // Jobs outlive their windows and the process: after a restart, each is resumed as its owner, with the rights they hold now.
    this.jobs = new Jobs(db, { owners: (owner) => (owner.id === localOwner.id ? localOwner : this.team.callerForOwner(owner)) });
    const blobs = new BlobStore(path.join(dataDir, 'blobs'));
    const keywordIndex = new KeywordIndex(path.join(dataDir, 'keyword'));
    this.maxFileBytes = options.maxFileBytes;
    this.uploads = new Uploads(db, path.join(dataDir, 'uploads'));
    this.owned.add(toDisposable(() => this.uploads.dispose()));
    this.indexes = this.owned.add(new SpaceIndexes({ dataDir, db, spaces: this.spaces, documents: this.documents, models: this.models, keywordIndex, jobs: this.jobs }));
    this.ingest = this.owned.add(new Ingest({
      db,
      spaces: this.spaces,
      documents: this.documents,
      replacements: this.replacements,
      blobs,
      indexes: this.indexes,
      jobs: this.jobs,
      uploads: this.uploads,
      maxFileBytes: options.maxFileBytes,
      parseWorkers: options.parseWorkers,
    }));
    this.artifacts = new ArtifactStore(db, path.join(dataDir, 'artifacts'));
    this.reports = new Reports({
      db,
      dataDir,
      spaces: this.spaces,
      indexes: this.indexes,
      models: this.models,
      jobs: this.jobs,
      artifacts: this.artifacts,
      // The Guard marks a report's unsupported statements in its files.
      verifyCited: reportClaimChecker(this.models),
    });
    this.tasks = new Tasks(db);
    this.calendar = new Calendar(db);
    this.tools = new ToolRegistry(
      db,
      createTools({ indexes: this.indexes, documents: this.documents, replacements: this.replacements, tasks: this.tasks, calendar: this.calendar, reports: this.reports, jobs: this.jobs, artifacts: this.artifacts, telemetry: this.telemetry, settings: userDateDefaults() }),
      this.telemetry,
    );
    this.agents = new Agents({
      db,
      jobs: this.jobs,
      spaces: this.spaces,
      conversations: this.conversations,
      models: this.models,
      indexes: this.indexes,
      telemetry: this.telemetry,
      tools: this.tools,
      reports: this.reports,
      ...(options.agentLimits ? { limits: options.agentLimits } : {}),
    });
    this.owned.add(this.jobs);
    const library = { documents: this.documents, replacements: this.replacements };
    this.dispatcher = new Dispatcher(
      {
        'app.info': async (_params, { caller }) => ({
          version: hearthVersion(),
          ...(caller.principal.kind === 'local-owner' ? { dataDir: this.dataDir } : {}),
          answerMode: (await this.models.active('llm')) ? ('llm' as const) : ('extractive' as const),
        }),
        ...spacesHandlers(this.spaces, this.team),
        ...teamHandlers(this.team, { spaceIds: () => this.spaces.ids() }),
        ...documentsHandlers({ ingest: this.ingest, blobs, ...library }),
        ...citationsHandlers(library),
        ...searchHandlers(this.indexes),
        ...chatHandlers({ conversations: this.conversations, indexes: this.indexes, models: this.models, telemetry: this.telemetry }),
        ...modelsHandlers(this.models),
        ...jobsHandlers(this.jobs),
        ...reportsHandlers(this.reports),
        ...agentsHandlers(this.agents),
        ...planningHandlers({ tasks: this.tasks, calendar: this.calendar, spaceName: (spaceId) => this.spaces.get(spaceId).name }),
        ...tracesHandlers(this.telemetry),
      },
      this.spaceResolver(),
    );
    this.dispatcher.observe((call) => this.team.audit.recordCall(call));
    this.owned.add(toDisposable(() => this.dispatcher.close()));
  }

  static async open(options: HearthOptions): Promise<Hearth> {
    const dataDir = path.resolve(options.dataDir);
    mkdirSync(dataDir, { recursive: true });
    const lock = DataLock.acquire(dataDir);
    let db: Db;
    try {
      db = openDatabase(dataDir);
    } catch (error) {
      lock.release();
      throw error;
    }
    const hearth = new Hearth(dataDir, lock, db, {
      maxFileBytes: options.maxFileBytes ?? defaultMaxFileBytes(),
      modelLibrary: path.resolve(options.modelLibrary ?? defaultLibraryFolder()),
      parseWorkers: options.parseWorkers,
      agentLimits: options.agentLimits,
    });
    try {
      // What a crash or kill left in flight: each kind of job sets its stores right, then its jobs resume or end.
      await hearth.jobs.recover();
    } catch (error) {
      await hearth.dispose();
      throw error;
    }
    return hearth;
  }

  /**
   * Calls a method of the contract in this process, as `caller` (by default the local owner): the CLI's and the
   * tests' way in. It goes through the dispatcher, so params, access and result are checked as for any transport.
   */
  async call<M extends CallMethod>(method: M, params: ParamsIn<M>, options: { caller?: Caller; signal?: AbortSignal } = {}): Promise<Result<M>> {
    const outcome = this.dispatcher.dispatch(method, params, { caller: options.caller ?? localOwner, signal: options.signal ?? new AbortController().signal });
    if (outcome.kind !== 'call') throw new HearthError('BAD_REQUEST', `${method} streams; use stream().`);
    return (await outcome.result) as Result<M>;
  }

  /** Starts a streaming method in this process, as `caller` (see {@link call}); iterate it for the events, its return is the result. */
  stream<M extends StreamMethod>(method: M, params: ParamsIn<M>, options: { caller?: Caller; signal?: AbortSignal } = {}): AsyncGenerator<EventOf<M>, Result<M>> {
    const hearth = this;
    // Dispatched on the first read, so a refusal arrives where the events would, as it does over a transport.
    return (async function* () {
      const outcome = hearth.dispatcher.dispatch(method, params, { caller: options.caller ?? localOwner, signal: options.signal ?? new AbortController().signal });
      if (outcome.kind !== 'stream') throw new HearthError('BAD_REQUEST', `${method} is a call; use call().`);
      return (yield* outcome.events) as Result<M>;
    })() as AsyncGenerator<EventOf<M>, Result<M>>;
  }

  /** Refuses new calls, stops the work in flight, and closes everything it holds (see `owned`); a second call does nothing more. */
  dispose(): Promise<void> {
    return this.owned.dispose();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }

  /** The space of whatever a call names, for the dispatcher's access check. */
  private spaceResolver(): SpaceResolver {
    return {
      spaceOf: (kind, id) => {
        switch (kind) {
          // A citation may name a reading that was replaced since: the space is the one of the reading that stands for it now.
          case 'document':
            return this.replacements.current(id).spaceId;
          case 'conversation':
            return this.conversations.get(id).spaceId;
          case 'job':
            return this.jobs.spaceOf(id);
          case 'report':
            return this.reports.spaceOf(id);
          case 'artifact':
            return this.artifacts.spaceOf(id);
          case 'trace':
            return this.telemetry.spaceOf(id);
          case 'task':
            return this.tasks.spaceOf(id);
        }
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
