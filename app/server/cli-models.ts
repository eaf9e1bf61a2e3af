/** `hearth models list | check | import | use`: the model library from the command line. */
import { ModelKindName, type ModelLibraryInfo } from '../../schemas/index.js';
import type { Hearth } from '../core/index.js';
import { findModel, importModel, smokeCheck } from '../core/models/index.js';
import { ExitCode, UsageError } from './cli-usage.js';

interface ModelsOptions {
  alias: string | undefined;
  kind: string | undefined;
  json: boolean;
}

export async function models(hearth: Hearth, args: string[], options: ModelsOptions, out: NodeJS.WritableStream): Promise<number> {
  const [action, ...rest] = args;
  const kind = options.kind === undefined ? undefined : parseKind(options.kind);
  switch (action) {
    case 'list':
    case undefined: {
      const info = await hearth.models.describe();
      if (options.json) out.write(`${JSON.stringify(info, null, 2)}\n`);
      else printLibrary(info, out);
      return info.problems.length > 0 ? ExitCode.inputFailed : ExitCode.ok;
    }
    case 'check': {
      const library = await hearth.models.library({ reload: true });
      const entries = rest.length === 0 ? library.entries : rest.map((alias) => findEntry(library, alias, kind));
      // Checking the whole library checks its file too: an entry that could not be read is a failure, not an absence.
      const problems = rest.length === 0 ? library.problems : [];
      if (entries.length === 0 && problems.length === 0) {
        out.write(`No models in ${library.file}: nothing to check.\n`);
        return ExitCode.ok;
      }
      printProblems(problems, out);
      let failed = problems.length;
      for (const entry of entries) {
        const report = await smokeCheck(entry);
        if (!report.ok) failed++;
        out.write(`${report.ok ? 'ok    ' : 'FAILED'} ${report.kind}.${report.alias}\n`);
        for (const step of report.steps) out.write(`  ${step.ok ? '✓' : '✗'} ${step.name.padEnd(8)} ${String(step.ms).padStart(6)} ms  ${step.detail}\n`);
      }
      return failed > 0 ? ExitCode.inputFailed : ExitCode.ok;
    }
    case 'import': {
      const [source, ...extra] = rest;
      if (!source || extra.length > 0) throw new UsageError('models import takes one file or folder');
      const result = await importModel({
        library: hearth.models.libraryFolder,
        source,
        ...(options.alias ? { alias: options.alias } : {}),
        ...(kind ? { kind } : {}),
      });
      out.write(
        result.copied
          ? `imported ${result.kind}.${result.alias} v${result.version} → ${result.path}\n`
          : `already in the library: ${result.kind}.${result.alias} v${result.version} (${result.path})\n`,
      );
      return ExitCode.ok;
    }
    case 'use': {
      const [alias, ...extra] = rest;
      if (!alias || extra.length > 0) throw new UsageError('models use takes one alias');
      const entry = findEntry(await hearth.models.library({ reload: true }), alias, kind);
      await hearth.models.use(entry.kind, entry.name);
      out.write(`${entry.kind} is now ${entry.name}\n`);
      return ExitCode.ok;
    }
    default:
      throw new UsageError(`unknown models action "${action}" (list, check, import, use)`);
  }
}

function parseKind(kind: string) {
  const parsed = ModelKindName.safeParse(kind);
  if (!parsed.success) throw new UsageError(`--kind must be llm, embed or rerank, not "${kind}"`);
  return parsed.data;
}

function findEntry(library: Awaited<ReturnType<Hearth['models']['library']>>, alias: string, kind: ModelKindName | undefined) {
  const kinds = kind ? [kind] : (['llm', 'embed', 'rerank'] as const);
  const matches = kinds.flatMap((k) => {
    const entry = findModel(library, k, alias);
    return entry ? [entry] : [];
  });
  if (matches.length === 0) throw new UsageError(`no model "${alias}" in ${library.file}`);
  if (matches.length > 1) throw new UsageError(`"${alias}" names models of several kinds; add --kind`);
  return matches[0]!;
}

function printLibrary(info: ModelLibraryInfo, out: NodeJS.WritableStream): void {
  out.write(`Library: ${info.file}\n`);
  if (info.entries.length === 0) out.write('No models configured. Answers quote passages; search uses the built-in hash embedder.\n');
  for (const entry of info.entries) {
    const details = entry.details
      ? ` — ${entry.details.architecture}, ${formatParameters(entry.details.parameters)}, ${entry.details.quantization}${entry.details.contextLength ? `, ctx ${entry.details.contextLength}` : ''}`
      : '';
    const aliases = entry.aliases.length ? ` (also ${entry.aliases.join(', ')})` : '';
    out.write(`${entry.active ? '*' : ' '} ${entry.kind}.${entry.alias}${aliases}  ${entry.format}  ${entry.location}${details}\n`);
  }
  out.write(`Active: llm ${info.active.llm ?? 'none (extractive answers)'}, embed ${info.active.embed}${info.active.embed === 'hash' ? ' (built-in, no model installed)' : ''}, rerank ${info.active.rerank ?? 'none'}\n`);
  printProblems(info.problems, out);
}

function printProblems(problems: ReadonlyArray<{ line: number; message: string }>, out: NodeJS.WritableStream): void {
  for (const problem of problems) out.write(`problem: models.toml line ${problem.line}: ${problem.message}\n`);
}

function formatParameters(parameters: number | undefined): string {
  if (parameters === undefined) return '? params';
  return parameters >= 1e9 ? `${(parameters / 1e9).toFixed(1)}B params` : `${(parameters / 1e6).toFixed(1)}M params`;
}
