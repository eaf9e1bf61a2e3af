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
];
