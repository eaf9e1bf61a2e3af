/**
 * Numbered schema migrations. Each runs once, in order, inside a transaction, and is recorded in
 * `schema_migrations`; a migration is never edited after it ships — a change is a new number.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
  /**
   * The migration rebuilds a table other tables reference (SQLite cannot drop a constraint in place): it
   * runs with foreign keys off, so dropping the old table does not cascade, and is checked after.
   */
  rebuildsTables?: boolean;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'spaces, documents, chunks, conversations, messages',
    sql: `
      CREATE TABLE spaces (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        created_at TEXT NOT NULL
      );
      CREATE TABLE documents (
        id TEXT PRIMARY KEY,
        space_id TEXT NOT NULL REFERENCES spaces(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        format TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        size_bytes INTEGER NOT NULL,
        normalized_text TEXT NOT NULL,
        created_at TEXT NOT NULL,
        UNIQUE (space_id, sha256)
      );
      CREATE INDEX documents_space ON documents(space_id);
      CREATE TABLE chunks (
        id INTEGER PRIMARY KEY,
        document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        ordinal INTEGER NOT NULL,
        heading_path TEXT NOT NULL,
        start_offset INTEGER NOT NULL,
        end_offset INTEGER NOT NULL,
        text TEXT NOT NULL
      );
      CREATE INDEX chunks_document ON chunks(document_id);
      CREATE TABLE conversations (
        id TEXT PRIMARY KEY,
        space_id TEXT NOT NULL REFERENCES spaces(id) ON DELETE CASCADE,
        key TEXT NOT NULL UNIQUE,
        title TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE INDEX conversations_space ON conversations(space_id);
      CREATE TABLE messages (
        id TEXT PRIMARY KEY,
        conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        role TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
        content TEXT NOT NULL,
        citations TEXT NOT NULL,
        created_at TEXT NOT NULL,
        seq INTEGER NOT NULL
      );
      CREATE INDEX messages_conversation ON messages(conversation_id, seq);
      -- Per-space counter bumped with every change to a space's chunks; the keyword index records the
      -- generation it was saved at, so a stale or missing index file is rebuilt from this database.
      CREATE TABLE keyword_generations (
        space_id TEXT PRIMARY KEY REFERENCES spaces(id) ON DELETE CASCADE,
        generation INTEGER NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'settings',
    sql: `
      -- Small user choices (the active model per kind…), each a JSON value under a key.
      CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
    `,
  },
  {
    version: 3,
    name: 'document provenance and status (the ingest journal)',
    sql: `
      -- The status is the ingest journal: a document is 'indexing' from the transaction that stores its
      -- chunks until every index holds them, and 'deleting' until every index has dropped them. Start-up
      -- finishes both (the indexes reconcile with SQLite by generation), so the stores never disagree;
      -- searches return only 'ready' documents.
      ALTER TABLE documents ADD COLUMN status TEXT NOT NULL DEFAULT 'ready' CHECK (status IN ('indexing', 'ready', 'deleting'));
      ALTER TABLE documents ADD COLUMN project TEXT;
      ALTER TABLE documents ADD COLUMN page_count INTEGER;
      ALTER TABLE documents ADD COLUMN warnings TEXT NOT NULL DEFAULT '[]';
      ALTER TABLE documents ADD COLUMN source_path TEXT;
      CREATE INDEX documents_source ON documents(space_id, source_path);
      ALTER TABLE chunks ADD COLUMN page_start INTEGER;
      ALTER TABLE chunks ADD COLUMN page_end INTEGER;
      ALTER TABLE chunks ADD COLUMN sheet TEXT;
      ALTER TABLE chunks ADD COLUMN cells TEXT;
      ALTER TABLE chunks ADD COLUMN slide INTEGER;
    `,
  },
  {
    version: 4,
    name: 'one ready document per contents in a space (room for a re-read beside the old one)',
    rebuildsTables: true,
    sql: `
      -- Dedupe holds for ready documents only: a re-read (documents.reingest) stores the new reading of the
      -- same bytes as 'indexing' beside the old one, which stays ready and searchable until the new one
      -- replaces it. SQLite cannot drop UNIQUE (space_id, sha256), so the table is rebuilt without it.
      CREATE TABLE documents_v4 (
        id TEXT PRIMARY KEY,
        space_id TEXT NOT NULL REFERENCES spaces(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        format TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        size_bytes INTEGER NOT NULL,
        normalized_text TEXT NOT NULL,
        created_at TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'ready' CHECK (status IN ('indexing', 'ready', 'deleting')),
        project TEXT,
        page_count INTEGER,
        warnings TEXT NOT NULL DEFAULT '[]',
        source_path TEXT
      );
      INSERT INTO documents_v4 (id, space_id, name, format, sha256, size_bytes, normalized_text, created_at, status, project, page_count, warnings, source_path)
        SELECT id, space_id, name, format, sha256, size_bytes, normalized_text, created_at, status, project, page_count, warnings, source_path
        FROM documents ORDER BY rowid;
      DROP TABLE documents;
      ALTER TABLE documents_v4 RENAME TO documents;
      CREATE INDEX documents_space ON documents(space_id);
      CREATE INDEX documents_source ON documents(space_id, source_path);
      CREATE UNIQUE INDEX documents_ready_sha ON documents(space_id, sha256) WHERE status = 'ready';
    `,
  },
  {
    version: 5,
    name: 'document replacements (citations of a replaced reading open the one that replaced it)',
    sql: `
      -- A re-read, or a changed file added again, replaces a document under a new id; answers stored earlier
      -- still cite the old id. One row per replaced document names the document that stands for it now. It is
      -- written in the transaction that makes the new one ready; rows naming a document that is itself replaced
      -- are moved on to its replacement then, so deleting an intermediate reading loses nothing, while deleting
      -- the current one outright takes its rows with it (its citations then say the document was deleted).
      -- document_id has no foreign key: the replaced row is gone soon after.
      CREATE TABLE document_replacements (
        document_id TEXT PRIMARY KEY,
        replaced_by TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        replaced_at TEXT NOT NULL
      );
      CREATE INDEX document_replacements_by ON document_replacements(replaced_by);
    `,
  },
  {
    version: 6,
    name: 'jobs and their journals; notices on messages',
    sql: `
      -- Long work as durable jobs: the row is the job's state (and its latest progress, for a watcher joining
      -- midway); job_events is its journal, numbered per job, which watchers read from any point. Params are
      -- what the job needs to run again after a restart; secrets (a PDF's password) are never stored.
      CREATE TABLE jobs (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        space_id TEXT REFERENCES spaces(id) ON DELETE CASCADE,
        title TEXT NOT NULL,
        subject TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'waiting', 'done', 'failed', 'cancelled')),
        owner TEXT NOT NULL,
        params TEXT NOT NULL,
        progress TEXT,
        result TEXT,
        error TEXT,
        last_seq INTEGER NOT NULL DEFAULT 0,
        attempts INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        finished_at TEXT
      );
      CREATE INDEX jobs_space ON jobs(space_id, created_at);
      CREATE INDEX jobs_unfinished ON jobs(state) WHERE state IN ('queued', 'running', 'waiting');
      CREATE TABLE job_events (
        job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        at TEXT NOT NULL,
        event TEXT NOT NULL,
        PRIMARY KEY (job_id, seq)
      ) WITHOUT ROWID;
      -- What an answer says about how it was made (reranking off, and why), shown beside it.
      ALTER TABLE messages ADD COLUMN notices TEXT NOT NULL DEFAULT '[]';
    `,
  },
  {
    version: 7,
    name: 'artifacts (rendered report files, versioned)',
    sql: `
      -- A rendered report file: its bytes live content-addressed under <dataDir>/artifacts by sha256, this row
      -- says which report, format and version they are. A new render is the next version for (report, format);
      -- rows are never updated, so nothing a user downloaded earlier is overwritten. report_id has no foreign
      -- key: the reports table comes in a later migration, and a report's rows are removed with it by its owner.
      CREATE TABLE artifacts (
        id TEXT PRIMARY KEY,
        space_id TEXT NOT NULL REFERENCES spaces(id) ON DELETE CASCADE,
        report_id TEXT NOT NULL,
        format TEXT NOT NULL CHECK (format IN ('markdown', 'docx', 'pptx', 'json', 'ics')),
        version INTEGER NOT NULL CHECK (version > 0),
        file_name TEXT NOT NULL,
        media_type TEXT NOT NULL,
        size_bytes INTEGER NOT NULL,
        sha256 TEXT NOT NULL,
        created_at TEXT NOT NULL,
        UNIQUE (report_id, format, version)
      );
      CREATE INDEX artifacts_space ON artifacts(space_id, report_id);
      CREATE INDEX artifacts_sha ON artifacts(sha256);
    `,
  },
  {
    version: 8,
    name: 'reports and the report templates users add',
    sql: `
      -- A report is kept only once its object validated: the template it was made by (a user's schema is kept
      -- with it, so it renders again after the template is removed), the request, the object and its numbered
      -- evidence (the passages, with their citations, as they were retrieved). Its files are artifacts (7).
      CREATE TABLE reports (
        id TEXT PRIMARY KEY,
        space_id TEXT NOT NULL REFERENCES spaces(id) ON DELETE CASCADE,
        template_id TEXT NOT NULL,
        template_name TEXT NOT NULL,
        template_built_in INTEGER NOT NULL CHECK (template_built_in IN (0, 1)),
        template_schema TEXT,
        title TEXT NOT NULL,
        request TEXT NOT NULL,
        extractive INTEGER NOT NULL CHECK (extractive IN (0, 1)),
        model TEXT,
        repairs INTEGER NOT NULL DEFAULT 0,
        value TEXT NOT NULL,
        evidence TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE INDEX reports_space ON reports(space_id, created_at);
      -- A JSON Schema a user added to a space as a template, checked before it was kept.
      CREATE TABLE report_templates (
        id TEXT PRIMARY KEY,
        space_id TEXT NOT NULL REFERENCES spaces(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        schema TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE UNIQUE INDEX report_templates_name ON report_templates(space_id, name COLLATE NOCASE);
    `,
  },
  {
    version: 9,
    name: 'telemetry spans; the trace of an answer',
    sql: `
      -- OpenTelemetry spans (written when they start, completed when they end), one row each, as the app's trace view reads them: times in epoch
      -- microseconds (what a waterfall is drawn in), attributes and events as JSON. space_id is the space the
      -- trace is about (set on the root, copied to its children), so access to a trace is access to its space;
      -- no foreign key, since a trace outlives nothing it needs and is pruned by age like finished jobs.
      CREATE TABLE spans (
        trace_id TEXT NOT NULL,
        span_id TEXT NOT NULL,
        parent_span_id TEXT,
        name TEXT NOT NULL,
        kind TEXT NOT NULL,
        start_us INTEGER NOT NULL,
        -- NULL while the span is open: a span is written when it starts, so a run killed midway still shows it.
        end_us INTEGER,
        status TEXT NOT NULL CHECK (status IN ('unset', 'ok', 'error')),
        status_message TEXT,
        attributes TEXT NOT NULL,
        events TEXT NOT NULL,
        space_id TEXT,
        PRIMARY KEY (trace_id, span_id)
      ) WITHOUT ROWID;
      CREATE INDEX spans_space ON spans(space_id, start_us);
      CREATE INDEX spans_start ON spans(start_us);
      -- The trace an answer was made in, opened from the message.
      ALTER TABLE messages ADD COLUMN trace_id TEXT;
    `,
  },
  {
    version: 10,
    name: 'tasks and calendar events',
    sql: `
      -- A space's tasks. A task an agent made keeps the run (job id) and tool call that made it, and its place in
      -- that call, so a replayed call finds what it made instead of making it again.
      CREATE TABLE tasks (
        id TEXT PRIMARY KEY,
        space_id TEXT NOT NULL REFERENCES spaces(id) ON DELETE CASCADE,
        title TEXT NOT NULL,
        notes TEXT NOT NULL DEFAULT '',
        owner TEXT,
        due TEXT,
        status TEXT NOT NULL CHECK (status IN ('open', 'done')),
        origin_run_id TEXT,
        origin_call_key TEXT,
        origin_index INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        completed_at TEXT
      );
      CREATE INDEX tasks_space ON tasks(space_id, status, due);
      CREATE INDEX tasks_origin ON tasks(origin_run_id, origin_call_key);
      -- What a task waits for: tasks of the same space, never a cycle (both checked by Tasks before a row is written).
      CREATE TABLE task_dependencies (
        task_id TEXT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
        depends_on_id TEXT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
        ordinal INTEGER NOT NULL,
        PRIMARY KEY (task_id, depends_on_id)
      );
      CREATE INDEX task_dependencies_target ON task_dependencies(depends_on_id);
      -- A space's events. A timed event keeps its local start and end and its zone (an IANA name, or a fixed
      -- offset), so a weekly 09:00 stays at 09:00 across a change of daylight saving time; start_utc and end_utc
      -- are the first occurrence's instants, for ordering. An all-day event keeps dates (end exclusive). A
      -- re-import of the same UID (and RECURRENCE-ID, for an override of one occurrence) updates its row.
      CREATE TABLE calendar_events (
        id TEXT PRIMARY KEY,
        space_id TEXT NOT NULL REFERENCES spaces(id) ON DELETE CASCADE,
        uid TEXT NOT NULL,
        recurrence_id TEXT NOT NULL DEFAULT '',
        title TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        location TEXT NOT NULL DEFAULT '',
        all_day INTEGER NOT NULL CHECK (all_day IN (0, 1)),
        start_local TEXT NOT NULL,
        end_local TEXT NOT NULL,
        time_zone TEXT,
        start_utc TEXT NOT NULL,
        end_utc TEXT NOT NULL,
        recurrence TEXT,
        exceptions TEXT NOT NULL DEFAULT '[]',
        busy INTEGER NOT NULL CHECK (busy IN (0, 1)),
        source TEXT NOT NULL CHECK (source IN ('hearth', 'import')),
        origin_run_id TEXT,
        origin_call_key TEXT,
        origin_index INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        UNIQUE (space_id, uid, recurrence_id)
      );
      CREATE INDEX calendar_events_space ON calendar_events(space_id, start_utc);
      CREATE INDEX calendar_events_origin ON calendar_events(origin_run_id, origin_call_key);
    `,
  },
  {
    version: 11,
    name: 'tool effects of agent runs; artifacts without a report (email drafts)',
    rebuildsTables: true,
    sql: `
      -- What a side-effecting tool call of an agent run did, by run (its job id) and call key: a resumed run
      -- that makes the same call again is answered from here instead of doing it twice. input and outcome are
      -- JSON. No foreign key: a run's record outlives nothing it needs, and goes when the run is pruned.
      CREATE TABLE tool_effects (
        run_id TEXT NOT NULL,
        call_key TEXT NOT NULL,
        tool TEXT NOT NULL,
        input TEXT NOT NULL,
        outcome TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (run_id, call_key)
      ) WITHOUT ROWID;
      -- Artifacts (7) rebuilt so a file can be kept without a report (report_id NULL) and as an email draft
      -- (format 'eml'); every row and index as it was. SQLite cannot change a column or a CHECK in place.
      CREATE TABLE artifacts_new (
        id TEXT PRIMARY KEY,
        space_id TEXT NOT NULL REFERENCES spaces(id) ON DELETE CASCADE,
        report_id TEXT,
        format TEXT NOT NULL CHECK (format IN ('markdown', 'docx', 'pptx', 'json', 'ics', 'eml')),
        version INTEGER NOT NULL CHECK (version > 0),
        file_name TEXT NOT NULL,
        media_type TEXT NOT NULL,
        size_bytes INTEGER NOT NULL,
        sha256 TEXT NOT NULL,
        created_at TEXT NOT NULL,
        UNIQUE (report_id, format, version)
      );
      INSERT INTO artifacts_new (id, space_id, report_id, format, version, file_name, media_type, size_bytes, sha256, created_at)
        SELECT id, space_id, report_id, format, version, file_name, media_type, size_bytes, sha256, created_at FROM artifacts;
      DROP TABLE artifacts;
      ALTER TABLE artifacts_new RENAME TO artifacts;
      CREATE INDEX artifacts_space ON artifacts(space_id, report_id);
      CREATE INDEX artifacts_sha ON artifacts(sha256);
    `,
  },
  {
    version: 12,
    name: 'checkpoints of agent runs',
    sql: `
      -- After every step of a run of an agent's graph, the whole checkpoint (state, next nodes, pending interrupt,
      -- usage) as JSON, keyed by the conversation's thread key {org:team:channel:thread} and the run's id. Only the
      -- last checkpoints of a run are kept; the latest is where the run goes on after a restart.
      CREATE TABLE agent_checkpoints (
        thread_key TEXT NOT NULL,
        run_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        step INTEGER NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('running', 'interrupted', 'done')),
        checkpoint TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (thread_key, run_id, seq)
      ) WITHOUT ROWID;
      CREATE INDEX agent_checkpoints_run ON agent_checkpoints(run_id);
    `,
  },
  {
    version: 13,
    name: 'approvals of side effects, standing tool permissions, the agent of an answer',
    sql: `
      -- A side effect an agent run asked the user about: what it would call, why, and the answer. The answer is
      -- written here before the run is resumed, so a crash between the two loses nothing: the resumed run reads
      -- it. run_id has no foreign key: a run is a job, and jobs are pruned by age on their own.
      CREATE TABLE approvals (
        id TEXT PRIMARY KEY,
        run_id TEXT NOT NULL,
        space_id TEXT NOT NULL REFERENCES spaces(id) ON DELETE CASCADE,
        call_key TEXT NOT NULL,
        tool TEXT NOT NULL,
        input TEXT NOT NULL,
        reason TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('pending', 'approved', 'denied')),
        answered_input TEXT,
        answered_by TEXT,
        created_at TEXT NOT NULL,
        answered_at TEXT,
        UNIQUE (run_id, call_key)
      );
      CREATE INDEX approvals_run ON approvals(run_id, state);
      -- A tool a user let run without asking, in one space.
      CREATE TABLE tool_permissions (
        space_id TEXT NOT NULL REFERENCES spaces(id) ON DELETE CASCADE,
        tool TEXT NOT NULL,
        granted_by TEXT NOT NULL,
        granted_at TEXT NOT NULL,
        PRIMARY KEY (space_id, tool)
      ) WITHOUT ROWID;
      -- An agent run's conversation, what it waits for now (the AgentWait a user answers, JSON) and the answer
      -- given, kept until the resumed run has taken it; and the run's trace, so every attempt joins it.
      CREATE TABLE agent_runs (
        run_id TEXT PRIMARY KEY,
        space_id TEXT NOT NULL REFERENCES spaces(id) ON DELETE CASCADE,
        conversation_id TEXT NOT NULL,
        wait TEXT,
        -- The graph's id of the question waited on; the answer is handed back for that question only.
        interrupt_id TEXT,
        answer TEXT,
        answered_by TEXT,
        trace_id TEXT,
        span_id TEXT,
        updated_at TEXT NOT NULL
      );
      -- Which agent wrote an answer, in which run, and the Guard's verdicts on its cited claims (JSON).
      ALTER TABLE messages ADD COLUMN agent TEXT;
      ALTER TABLE messages ADD COLUMN run_id TEXT;
      ALTER TABLE messages ADD COLUMN claims TEXT;
    `,
  },
  {
    version: 14,
    name: 'team accounts, groups, API tokens, space grants, the audit log; space names unique per creator',
    rebuildsTables: true,
    sql: `
      -- A space's name is unique among its creator's spaces, not across the server: two people may each have a
      -- "Notes", and one's private space is never revealed by a refused name. created_by is the team member who
      -- made it; NULL for the person at the machine.
      CREATE TABLE spaces_rebuilt (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL COLLATE NOCASE,
        created_at TEXT NOT NULL,
        created_by TEXT
      );
      INSERT INTO spaces_rebuilt (id, name, created_at) SELECT id, name, created_at FROM spaces;
      DROP TABLE spaces;
      ALTER TABLE spaces_rebuilt RENAME TO spaces;
      CREATE UNIQUE INDEX spaces_name_per_creator ON spaces(COALESCE(created_by, ''), name);
      -- The people of a team server. \`source\` says where the account came from: made on the command line
      -- (local) or on a first sign-in with the team's OIDC provider (oidc, keyed by the token's subject).
      CREATE TABLE team_users (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        display_name TEXT NOT NULL,
        server_role TEXT NOT NULL CHECK (server_role IN ('member', 'admin')),
        source TEXT NOT NULL CHECK (source IN ('local', 'oidc')),
        subject TEXT UNIQUE,
        disabled_at TEXT,
        created_at TEXT NOT NULL
      );
      CREATE TABLE team_groups (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        created_at TEXT NOT NULL
      );
      -- Memberships made on the command line (local) or taken from the OIDC token's groups claim at each
      -- sign-in (oidc: replaced as a whole every time, so leaving a group in Keycloak leaves it here).
      CREATE TABLE team_group_members (
        group_id TEXT NOT NULL REFERENCES team_groups(id) ON DELETE CASCADE,
        user_id TEXT NOT NULL REFERENCES team_users(id) ON DELETE CASCADE,
        source TEXT NOT NULL CHECK (source IN ('local', 'oidc')),
        PRIMARY KEY (group_id, user_id)
      ) WITHOUT ROWID;
      CREATE INDEX team_group_members_user ON team_group_members(user_id);
      -- API tokens: the secret is shown once and kept only as a scrypt hash with its own salt.
      CREATE TABLE api_tokens (
        id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES team_users(id) ON DELETE CASCADE,
        label TEXT NOT NULL,
        salt BLOB NOT NULL,
        hash BLOB NOT NULL,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        revoked_at TEXT,
        last_used_at TEXT
      );
      CREATE INDEX api_tokens_user ON api_tokens(user_id);
      -- Browser sign-ins: the cookie holds a random secret, kept here only as its SHA-256, standing for the token
      -- (or OIDC sign-in) it was opened with; signing out deletes the row, and the token's own checks still apply.
      CREATE TABLE team_sessions (
        secret_hash BLOB PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES team_users(id) ON DELETE CASCADE,
        token_id TEXT,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX team_sessions_expiry ON team_sessions(expires_at);
      -- Who holds which role in a space: a user or a group. A space made by a team member starts with one row,
      -- its creator as owner; nobody else sees it until it is shared.
      CREATE TABLE space_grants (
        space_id TEXT NOT NULL REFERENCES spaces(id) ON DELETE CASCADE,
        grantee_kind TEXT NOT NULL CHECK (grantee_kind IN ('user', 'group')),
        grantee_id TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('viewer', 'editor', 'owner')),
        granted_by TEXT NOT NULL,
        granted_at TEXT NOT NULL,
        PRIMARY KEY (space_id, grantee_kind, grantee_id)
      ) WITHOUT ROWID;
      CREATE INDEX space_grants_grantee ON space_grants(grantee_kind, grantee_id);
      -- Who changed what: every successful change through the contract, sharing, token use and failed sign-ins.
      -- Never params or results (they may hold document text), only what names the change.
      CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor_id TEXT NOT NULL,
        actor_kind TEXT NOT NULL,
        actor_name TEXT NOT NULL,
        action TEXT NOT NULL,
        space_id TEXT,
        detail TEXT
      );
      CREATE INDEX audit_log_space ON audit_log(space_id, id);
      -- Files a team member streamed to the server (POST /upload), waiting for documents.ingest to take them;
      -- their bytes count towards the uploader's quota while they wait and once they are documents.
      CREATE TABLE uploads (
        id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL,
        name TEXT NOT NULL,
        size_bytes INTEGER NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE INDEX uploads_user ON uploads(user_id);
      -- The documents each team member's uploads became, with their size: what the upload quota counts. A
      -- deleted document frees its bytes (the row goes with it).
      CREATE TABLE uploaded_documents (
        document_id TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
        user_id TEXT NOT NULL,
        size_bytes INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX uploaded_documents_user ON uploaded_documents(user_id);
    `,
  },
];
