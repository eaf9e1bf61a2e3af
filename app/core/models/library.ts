/**
 * The model library: a folder with `models.toml` naming the models a user brought, by kind and alias —
 * `[llm.default] path = "qwen.gguf" format = "gguf" max_context = 8192`, `[embed.minilm]`, `[rerank.bge]`,
 * or `provider = "openai" url = … model = …` for a remote server. Paths are relative to the folder. Every
 * entry is validated; a wrong one is reported with its line and key and left out, the rest still load.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse, TomlError } from 'smol-toml';
import { z } from 'zod';
import { HearthError } from '../../../schemas/index.js';
import { packageRoot } from '../package-root.js';

export const ModelKind = z.enum(['llm', 'embed', 'rerank']);
export type ModelKind = z.infer<typeof ModelKind>;

const Alias = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'letters, digits, _ . - only');

const LocalEntry = z
  .object({
    path: z.string().min(1),
    format: z.enum(['gguf', 'hf', 'onnx']),
    max_context: z.number().int().positive().optional(),
    aliases: z.array(Alias).optional(),
    description: z.string().optional(),
    /** llm: which GPU backend to use; `auto` tries CUDA, then Vulkan (Metal on macOS), then CPU. */
    gpu: z.enum(['auto', 'cuda', 'vulkan', 'metal', 'cpu']).optional(),
    /** llm: math threads; default leaves the main thread a core. */
    threads: z.number().int().positive().optional(),
    /** embed: how token vectors become one vector. */
    pooling: z.enum(['mean', 'cls']).optional(),
    normalize: z.boolean().optional(),
  })
  .strict();

const RemoteEntry = z
  .object({
    provider: z.literal('openai'),
    url: z.url({ protocol: /^https?$/ }),
    model: z.string().min(1),
    api_key_env: z.string().optional(),
    max_context: z.number().int().positive().optional(),
    aliases: z.array(Alias).optional(),
    description: z.string().optional(),
    timeout_ms: z.number().int().positive().optional(),
  })
  .strict();

export type LocalModelSource = z.infer<typeof LocalEntry> & { kind: 'local'; absolutePath: string };
export type RemoteModelSource = z.infer<typeof RemoteEntry> & { kind: 'remote' };

export interface ModelEntry {
  kind: ModelKind;
  /** The table name: `default` in `[llm.default]`. */
  name: string;
  aliases: string[];
  /** The line of the entry's table header in models.toml. */
  line: number;
  source: LocalModelSource | RemoteModelSource;
}

export interface LibraryProblem {
  line: number;
  key?: string;
  message: string;
}

export interface ModelLibrary {
  folder: string;
  file: string;
  entries: ModelEntry[];
  problems: LibraryProblem[];
}

export const libraryFileName = 'models.toml';

/** The library folder: `HEARTH_MODELS`, else `MODEL_DIR`, else the models shipped with the app. */
export function defaultLibraryFolder(env: NodeJS.ProcessEnv = process.env, bundled = bundledLibraryFolder()): string {
  return path.resolve(env.HEARTH_MODELS ?? env.MODEL_DIR ?? bundled);
}

function bundledLibraryFolder(): string {
  return path.join(packageRoot(), 'resources', 'models');
}

/** Reads and validates a library. A missing models.toml is an empty library, not an error. */
export async function loadModelLibrary(folder: string): Promise<ModelLibrary> {
  const file = path.join(folder, libraryFileName);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { folder, file, entries: [], problems: [] };
    throw new HearthError('MODEL_CONFIG_INVALID', `Cannot read ${file}: ${(error as Error).message}`);
  }
  return parseModelLibrary(text, folder);
}

export function parseModelLibrary(text: string, folder: string): ModelLibrary {
  const file = path.join(folder, libraryFileName);
  let document: Record<string, unknown>;
  try {
    document = parse(text) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof TomlError) {
      const firstLine = error.message.split('\n')[0];
      throw new HearthError('MODEL_CONFIG_INVALID', `${libraryFileName} line ${error.line}: ${firstLine}`, { file, line: error.line, column: error.column });
    }
    throw error;
  }
  const lines = locateKeys(text);
  const entries: ModelEntry[] = [];
  const problems: LibraryProblem[] = [];
  for (const [section, tables] of Object.entries(document)) {
    const kind = ModelKind.safeParse(section);
    if (!kind.success) {
      problems.push({
        line: lines.get(section) ?? lines.firstLineOf(section),
        message: `unknown section [${section}]${suggest(section, ModelKind.options)} — sections are [llm.<alias>], [embed.<alias>], [rerank.<alias>]`,
      });
      continue;
    }
    if (typeof tables !== 'object' || tables === null || Array.isArray(tables)) {
      problems.push({ line: lines.firstLineOf(section), message: `[${section}] must hold tables like [${section}.default]` });
      continue;
    }
    for (const [name, raw] of Object.entries(tables as Record<string, unknown>)) {
      const where = `${section}.${name}`;
      const line = lines.get(where) ?? lines.firstLineOf(where);
      const entry = parseEntry(raw, folder);
      if (!entry.success) {
        for (const issue of entry.issues) {
          problems.push({ line: issue.key ? (lines.get(`${where}.${issue.key}`) ?? line) : line, key: issue.key, message: `[${where}] ${issue.message}` });
        }
        continue;
      }
      if (!Alias.safeParse(name).success) {
        problems.push({ line, message: `[${where}]: the alias "${name}" may hold only letters, digits, _ . -` });
        continue;
      }
      const source = entry.source;
      if (source.kind === 'local' && !existsSync(source.absolutePath)) {
        problems.push({
          line: lines.get(`${where}.path`) ?? line,
          key: 'path',
          message: `[${where}] path = "${source.path}": no such file or folder (looked for ${source.absolutePath})`,
        });
        continue;
      }
      entries.push({ kind: kind.data, name, aliases: source.aliases ?? [], line, source });
    }
  }
  for (const problem of duplicateAliases(entries)) problems.push(problem);
  return { folder, file, entries, problems: problems.sort((a, b) => a.line - b.line) };
}

/** Finds an entry of a kind by its name or one of its aliases. */
export function findModel(library: ModelLibrary, kind: ModelKind, alias: string): ModelEntry | undefined {
  return library.entries.find((entry) => entry.kind === kind && (entry.name === alias || entry.aliases.includes(alias)));
}

/** Formats a problem the way a user reads it: "models.toml line 4: …". */
export function describeProblem(problem: LibraryProblem): string {
  return `${libraryFileName} line ${problem.line}: ${problem.message}`;
}

type ParsedEntry = { success: true; source: LocalModelSource | RemoteModelSource } | { success: false; issues: { key?: string; message: string }[] };

function parseEntry(raw: unknown, folder: string): ParsedEntry {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { success: false, issues: [{ message: 'must be a table' }] };
  const remote = 'provider' in raw;
  const schema = remote ? RemoteEntry : LocalEntry;
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const allowed = Object.keys(schema.shape);
    return {
      success: false,
      issues: parsed.error.issues.flatMap((issue) => {
        if (issue.code === 'unrecognized_keys') {
          return issue.keys.map((key) => ({ key, message: `unknown key \`${key}\`${suggest(key, allowed)}` }));
        }
        const key = issue.path[0] === undefined ? undefined : String(issue.path[0]);
        return [{ key, message: key ? `\`${key}\`: ${issue.message}` : issue.message }];
      }),
    };
  }
  if (remote) return { success: true, source: { ...(parsed.data as z.infer<typeof RemoteEntry>), kind: 'remote' } };
  const local = parsed.data as z.infer<typeof LocalEntry>;
  return { success: true, source: { ...local, kind: 'local', absolutePath: path.resolve(folder, local.path) } };
}

function duplicateAliases(entries: ModelEntry[]): LibraryProblem[] {
  const seen = new Map<string, ModelEntry>();
  const problems: LibraryProblem[] = [];
  for (const entry of entries) {
    for (const alias of [entry.name, ...entry.aliases]) {
      const key = `${entry.kind}:${alias}`;
      const first = seen.get(key);
      if (first && first !== entry) {
        problems.push({ line: entry.line, message: `the alias "${alias}" is also used by [${first.kind}.${first.name}] (line ${first.line}); the first one wins` });
      } else seen.set(key, entry);
    }
  }
  return problems;
}

/** Where each table header and key sits in the text, for error messages (smol-toml gives values only). */
function locateKeys(text: string) {
  const found = new Map<string, number>();
  let table = '';
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    const header = /^\[\s*([^\[\]]+?)\s*\]/.exec(line);
    if (header) {
      table = header[1]!.replace(/["'\s]/g, '');
      if (!found.has(table)) found.set(table, i + 1);
      return;
    }
    const key = /^("[^"]*"|'[^']*'|[A-Za-z0-9_-]+)\s*=/.exec(line);
    if (key) {
      const name = key[1]!.replace(/^["']|["']$/g, '');
      const full = table ? `${table}.${name}` : name;
      if (!found.has(full)) found.set(full, i + 1);
    }
  });
  return Object.assign(found, {
    /** The first line of anything under `prefix` (a section written only as [llm.x] has no [llm] line). */
    firstLineOf(prefix: string): number {
      let best = Infinity;
      for (const [key, line] of found) if ((key === prefix || key.startsWith(`${prefix}.`)) && line < best) best = line;
      return Number.isFinite(best) ? best : 1;
    },
  });
}

function suggest(word: string, candidates: readonly string[]): string {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of candidates) {
    const distance = levenshtein(word, candidate);
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best ? ` — did you mean \`${best}\`?` : '';
}

function levenshtein(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}
