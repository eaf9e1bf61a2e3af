/**
 * The `hearth` command: `serve` (web mode, or a team server with --team), `team`, `ingest`, `ask`, `report`, `spaces` and `models`. Exit codes a script can rely on:
 * 0 success; 1 some input failed (a file, an unknown space); 2 the command line is wrong; 3 Hearth itself failed.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { HearthError, isHearthError, type Space } from '../../schemas/index.js';
import { createHearth, defaultDataDir, jobResult, type Hearth, type HearthOptions } from '../core/index.js';
import { OidcVerifier, oidcOptionsFromEnv } from '../core/team/index.js';
import { models } from './cli-models.js';
import { team, teamUsage } from './cli-team.js';
import { report } from './cli-report.js';
import { ExitCode, UsageError } from './cli-usage.js';
import { startTeamServer } from './team-server.js';
import { parseAllowedHost, startWebServer } from './web-server.js';

export { ExitCode };

const usage = `Usage: hearth <command> [options]

Commands:
  serve [--port N] [--host H] [--allow-host NAME…]
                                       Serve web mode (default http://127.0.0.1:4321/); prints the address
                                       to open, with its key; --allow-host (or $HEARTH_ALLOWED_HOSTS,
                                       comma-separated) admits a name besides localhost
  serve --team [--host H] [--port N] [--tls-cert FILE --tls-key FILE] [--allow-host NAME…] [--trust-proxy]
                                       Serve a team: accounts and tokens (hearth team …) or OIDC
                                       ($HEARTH_OIDC_*), shared spaces, /v1, /metrics; see docs/team-server.md
${teamUsage}  ingest <paths…> --space S [--project P] [--password W]
                                       Add files (folders are walked) to space S, creating it if needed;
                                       under project P; W opens password-protected PDFs
  ask "question" --space S [--json]    Answer from space S's documents, with citations
  report <template> "request" --space S [--out FILE] [--json]
                                       Make a report (summary, report, meeting-agenda, milestone-plan, or
                                       a template of yours) from space S's documents; FILE's extension
                                       (.docx .pptx .md .json .ics) picks the format; without --out the
                                       Markdown is printed. Without a language model only summary and
                                       report can be made (extractively, from the passages)
  spaces                               List spaces
  models list                          The model library: entries, what is active, problems
  models check [alias…]                Smoke-test models (load, 10-token completion, embed, rerank)
  models import <file|folder> [--alias A] [--kind llm|embed|rerank]
                                       Copy a model into the library as a new immutable version
  models use <alias> [--kind K]        Make a model the active one of its kind

Options for every command:
  --data-dir DIR   Hearth's data folder (default: $HEARTH_DATA_DIR or ${defaultDataDir()})
  --models DIR     The model library folder (default: $HEARTH_MODELS, $MODEL_DIR, or the bundled one)
  --help           Show this help
`;


export async function main(argv: string[], out = process.stdout, err = process.stderr): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        'data-dir': { type: 'string' },
        space: { type: 'string', short: 's' },
        port: { type: 'string', short: 'p' },
        host: { type: 'string' },
        'allow-host': { type: 'string', multiple: true },
        json: { type: 'boolean' },
        models: { type: 'string' },
        alias: { type: 'string' },
        project: { type: 'string' },
        password: { type: 'string' },
        kind: { type: 'string' },
        out: { type: 'string', short: 'o' },
        help: { type: 'boolean', short: 'h' },
        team: { type: 'boolean' },
        'tls-cert': { type: 'string' },
        'tls-key': { type: 'string' },
        'trust-proxy': { type: 'boolean' },
        admin: { type: 'boolean' },
        'display-name': { type: 'string' },
        label: { type: 'string' },
        expires: { type: 'string' },
        group: { type: 'boolean' },
        limit: { type: 'string' },
      },
    });
  } catch (error) {
    err.write(`hearth: ${(error as Error).message}\n\n${usage}`);
    return ExitCode.usage;
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    (values.help ? out : err).write(usage);
    return values.help ? ExitCode.ok : ExitCode.usage;
  }
  const dataDir = values['data-dir'] ? path.resolve(values['data-dir']) : defaultDataDir();
  const modelLibrary = values.models ? path.resolve(values.models) : undefined;
  const withHearth = async (run: (hearth: Hearth) => Promise<number>): Promise<number> => {
    const hearth = await createHearth({ dataDir, ...(modelLibrary ? { modelLibrary } : {}) });
    try {
      return await run(hearth);
    } finally {
      await hearth.dispose();
    }
  };
  try {
    switch (command) {
      case 'serve': {
        const listen = { host: values.host ?? '127.0.0.1', port: parsePort(values.port, values.team ? 8443 : 4321), allowedHosts: parseAllowedHosts(values['allow-host'] ?? [], process.env) };
        const options = { dataDir, ...(modelLibrary ? { modelLibrary } : {}) };
        if (values.team) return await serveTeam(options, { ...listen, tls: await readTls(values['tls-cert'], values['tls-key']), trustProxy: values['trust-proxy'] ?? false }, out);
        if (values['tls-cert'] || values['tls-key'] || values['trust-proxy']) throw new UsageError('--tls-cert, --tls-key and --trust-proxy are for serve --team');
        return await serve(options, listen, out);
      }
      case 'team':
        return await team(dataDir, rest, {
          admin: values.admin ?? false,
          displayName: values['display-name'],
          label: values.label,
          expires: values.expires,
          group: values.group ?? false,
          limit: values.limit,
          json: values.json ?? false,
        }, out, err);
      case 'ingest':
        return await withHearth((hearth) => ingest(hearth, rest, requireSpace(values.space), { project: values.project, password: values.password }, out, err));
      case 'ask':
        return await withHearth((hearth) => ask(hearth, rest, requireSpace(values.space), values.json ?? false, out));
      case 'report':
        return await withHearth((hearth) => report(hearth, rest, { space: requireSpace(values.space), out: values.out, json: values.json ?? false }, out, err));
      case 'spaces':
        return await withHearth(async (hearth) => {
          for (const space of hearth.spaces.list()) out.write(`${space.name}\t${space.id}\t${space.documentCount} documents\n`);
          return ExitCode.ok;
        });
      case 'models':
        return await withHearth((hearth) => models(hearth, rest, { alias: values.alias, kind: values.kind, json: values.json ?? false }, out));
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      err.write(`hearth: ${error.message}\n\n${usage}`);
      return ExitCode.usage;
    }
    if (isHearthError(error) && error.code !== 'INTERNAL') {
      err.write(`hearth: ${error.message}\n`);
      return ExitCode.inputFailed;
    }
    err.write(`hearth: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return ExitCode.internal;
  }
}

function requireSpace(space: string | undefined): string {
  if (!space) throw new UsageError('--space is required');
  return space;
}

function parsePort(port: string | undefined, fallback: number): number {
  if (port === undefined) return fallback;
  const value = Number(port);
  if (!Number.isInteger(value) || value < 0 || value > 65535) throw new UsageError(`--port must be 0–65535, not "${port}"`);
  return value;
}

/** `--allow-host` names, then `HEARTH_ALLOWED_HOSTS`'s comma-separated ones. */
function parseAllowedHosts(flags: string[], env: NodeJS.ProcessEnv): string[] {
  const fromEnv = (env.HEARTH_ALLOWED_HOSTS ?? '').split(',').map((name) => name.trim()).filter((name) => name !== '');
  for (const name of [...flags, ...fromEnv]) {
    if (!parseAllowedHost(name)) throw new UsageError(`--allow-host and HEARTH_ALLOWED_HOSTS take host names like hearth.lan or hearth.lan:8443, not "${name}"`);
  }
  return [...flags, ...fromEnv];
}

async function serve(
  options: HearthOptions,
  listen: { host: string; port: number; allowedHosts: string[] },
  out: NodeJS.WritableStream,
): Promise<number> {
  const hearth = await createHearth(options);
  const dataDir = hearth.dataDir;
  const staticDir = fileURLToPath(new URL('../../renderer/', import.meta.url));
  const server = await startWebServer({ hearth, staticDir, ...listen });
  // The address carries the launch key; it is printed for the user to open, and logged nowhere else.
  out.write(`Hearth is running at ${server.url}\nOpen that address in your browser; its key is new each time Hearth starts.\nData folder: ${dataDir}\nPress Ctrl+C to stop.\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  await hearth.dispose();
  return ExitCode.ok;
}

async function readTls(cert: string | undefined, key: string | undefined): Promise<{ cert: Buffer; key: Buffer } | undefined> {
  if (cert === undefined && key === undefined) return undefined;
  if (cert === undefined || key === undefined) throw new UsageError('--tls-cert and --tls-key go together (PEM files)');
  const read = (file: string, what: string) =>
    readFile(file).catch((error: Error) => {
      throw new HearthError('FILE_UNREADABLE', `Cannot read the TLS ${what} ${file}: ${error.message}`);
    });
  return { cert: await read(cert, 'certificate'), key: await read(key, 'key') };
}

/** `serve --team`: the team server, until Ctrl+C or SIGTERM (systemd's stop). */
async function serveTeam(
  options: HearthOptions,
  listen: { host: string; port: number; allowedHosts: string[]; tls: { cert: Buffer; key: Buffer } | undefined; trustProxy: boolean },
  out: NodeJS.WritableStream,
): Promise<number> {
  const hearth = await createHearth(options);
  try {
    const oidc = oidcOptionsFromEnv(process.env);
    if (oidc) hearth.team.useOidc(new OidcVerifier(oidc));
    const staticDir = fileURLToPath(new URL('../../renderer/', import.meta.url));
    const server = await startTeamServer({ hearth, staticDir, host: listen.host, port: listen.port, allowedHosts: listen.allowedHosts, trustProxy: listen.trustProxy, ...(listen.tls ? { tls: listen.tls } : {}) });
    out.write(
      `Hearth serves a team at ${server.origin}\nSign-in: ${hearth.team.describeSignIn()}\nData folder: ${hearth.dataDir}\n` +
        (listen.tls ? '' : 'Plain HTTP: put it behind a TLS proxy, or pass --tls-cert and --tls-key, before anyone signs in over a network.\n') +
        (hearth.team.canSignIn() ? '' : 'Nobody can sign in yet: hearth team user add NAME, then hearth team token create NAME.\n') +
        'Press Ctrl+C to stop.\n',
    );
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await server.close();
  } finally {
    await hearth.dispose();
  }
  return ExitCode.ok;
}

async function ingest(
  hearth: Hearth,
  paths: string[],
  spaceName: string,
  options: { project?: string | undefined; password?: string | undefined },
  out: NodeJS.WritableStream,
  err: NodeJS.WritableStream,
): Promise<number> {
  if (paths.length === 0) throw new UsageError('ingest needs at least one file or folder');
  if (options.project !== undefined && options.project.trim() === '') throw new UsageError('--project needs a name');
  const space = hearth.spaces.resolve(spaceName) ?? hearth.spaces.create(spaceName);
  let failed = 0;
  for (const file of await expand(paths)) {
    try {
      // The password is tried on every encrypted PDF given; other files do not use it.
      const job = await hearth.call('documents.ingest', { spaceId: space.id, source: { kind: 'path', path: file }, project: options.project?.trim(), password: options.password });
      const watch = hearth.stream('jobs.watch', { jobId: job.id });
      let step = await watch.next();
      while (!step.done) step = await watch.next();
      const { document, status } = jobResult(step.value, 'ingest');
      out.write(`${status}\t${file}\t${document.chunkCount} passages\n`);
    } catch (error) {
      if (!isHearthError(error) || error.code === 'INTERNAL') throw error;
      failed++;
      err.write(`failed\t${file}\t${error.code}: ${error.message}\n`);
    }
  }
  return failed > 0 ? ExitCode.inputFailed : ExitCode.ok;
}

/** Files as given, and the files inside folders, recursively, in a stable order. */
async function expand(paths: string[]): Promise<string[]> {
  const files: string[] = [];
  for (const given of paths) {
    const full = path.resolve(given);
    const info = await stat(full).catch(() => undefined);
    if (info?.isDirectory()) {
      const entries = await readdir(full, { recursive: true, withFileTypes: true });
      files.push(
        ...entries
          .filter((entry) => entry.isFile() && !entry.name.startsWith('.'))
          .map((entry) => path.join(entry.parentPath, entry.name))
          .sort(),
      );
    } else {
      files.push(full); // a missing file is reported by ingest, with the others still done
    }
  }
  return files;
}

async function ask(
  hearth: Hearth,
  words: string[],
  spaceName: string,
  json: boolean,
  out: NodeJS.WritableStream,
): Promise<number> {
  const question = words.join(' ').trim();
  if (!question) throw new UsageError('ask needs a question');
  const space: Space | undefined = hearth.spaces.resolve(spaceName);
  if (!space) throw new HearthError('NOT_FOUND', `There is no space "${spaceName}". Create it with: hearth ingest <files> --space "${spaceName}"`);
  const run = hearth.stream('chat.ask', { spaceId: space.id, question });
  let step = await run.next();
  while (!step.done) {
    if (!json && step.value.type === 'delta') out.write(step.value.text);
    if (!json && step.value.type === 'notice') out.write(`(${step.value.text})\n\n`);
    step = await run.next();
  }
  const message = step.value;
  if (json) {
    out.write(`${JSON.stringify(message, null, 2)}\n`);
    return ExitCode.ok;
  }
  out.write('\n');
  if (message.citations.length > 0) out.write('\nSources:\n');
  message.citations.forEach((citation, i) => {
    const where = [citation.documentName, ...citation.headingPath].join(' › ');
    out.write(`[${i + 1}] ${where} (characters ${citation.start}–${citation.end})\n`);
  });
  return ExitCode.ok;
}
