/**
 * Imports a model file or folder into the library: it is copied into an immutable, versioned folder
 * (`<kind>/<alias>/v<N>/`, files made read-only), never over an existing one, and models.toml gains or
 * updates the alias's entry. Importing bytes already in the library reuses their version.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { chmod, cp, mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { HearthError } from '../../../schemas/index.js';
import { readGgufSummary } from './gguf-info.js';
import { ModelKind, libraryFileName, loadModelLibrary, type ModelLibrary } from './library.js';

export interface ImportRequest {
  library: string;
  source: string;
  alias?: string;
  kind?: ModelKind;
}

export interface ImportResult {
  kind: ModelKind;
  alias: string;
  version: number;
  /** Path of the model inside the library, as written in models.toml. */
  path: string;
  format: 'gguf' | 'onnx';
  /** False when the same bytes were already imported under this alias. */
  copied: boolean;
}

const TransformersConfig = z.looseObject({ architectures: z.array(z.string()).optional(), model_type: z.string().optional() });

export async function importModel(request: ImportRequest): Promise<ImportResult> {
  const source = path.resolve(request.source);
  const info = await stat(source).catch(() => undefined);
  if (!info) throw new HearthError('MODEL_NOT_FOUND', `There is nothing to import at ${source}.`);
  const detected = info.isDirectory() ? await detectFolder(source) : await detectFile(source);
  const kind = request.kind ?? detected.kind;
  const alias = request.alias ?? aliasFrom(source);
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(alias)) {
    throw new HearthError('BAD_REQUEST', `"${alias}" cannot be an alias: use letters, digits, _ . - (pass --alias).`);
  }
  const library = await loadModelLibrary(request.library);
  const aliasFolder = path.join(request.library, kind, alias);
  const fingerprint = await fingerprintOf(source);

  for (const version of await versionsIn(aliasFolder)) {
    const existing = path.join(aliasFolder, `v${version}`);
    if ((await readFile(path.join(existing, '.fingerprint'), 'utf8').catch(() => '')) === fingerprint) {
      const modelPath = path.relative(request.library, path.join(existing, detected.entry));
      await writeEntry(library, kind, alias, modelPath, detected.format);
      return { kind, alias, version, path: modelPath, format: detected.format, copied: false };
    }
  }
  const version = Math.max(0, ...(await versionsIn(aliasFolder))) + 1;
  const target = path.join(aliasFolder, `v${version}`);
  const staging = `${target}.importing`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  try {
    await cp(source, info.isDirectory() ? staging : path.join(staging, path.basename(source)), { recursive: true, errorOnExist: true });
    await writeFile(path.join(staging, '.fingerprint'), fingerprint);
    await makeReadOnly(staging);
    // The version folder appears whole or not at all; `rename` never replaces a non-empty folder.
    await rename(staging, target);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
  const modelPath = path.relative(request.library, path.join(target, detected.entry));
  await writeEntry(library, kind, alias, modelPath, detected.format);
  return { kind, alias, version, path: modelPath, format: detected.format, copied: true };
}

async function detectFile(file: string): Promise<{ kind: ModelKind; format: 'gguf'; entry: string }> {
  if (!file.toLowerCase().endsWith('.gguf')) {
    throw new HearthError('MODEL_INVALID', `${file}: Hearth imports GGUF files (.gguf) or model folders with config.json and onnx/model.onnx.`);
  }
  const summary = await readGgufSummary(file);
  const embedding = /bert|nomic|e5|gte/i.test(summary.architecture);
  return { kind: embedding ? 'embed' : 'llm', format: 'gguf', entry: path.basename(file) };
}

async function detectFolder(folder: string): Promise<{ kind: ModelKind; format: 'onnx'; entry: string }> {
  const missing = ['config.json', 'tokenizer.json', path.join('onnx', 'model.onnx')].filter((file) => !existsSync(path.join(folder, file)));
  if (missing.length > 0) {
    throw new HearthError('MODEL_INVALID', `${folder} is not a model folder Hearth can run: it lacks ${missing.join(', ')}.`);
  }
  const config = TransformersConfig.safeParse(JSON.parse(await readFile(path.join(folder, 'config.json'), 'utf8').catch(() => 'null')));
  if (!config.success) throw new HearthError('MODEL_INVALID', `${path.join(folder, 'config.json')} is not a model config.`);
  const reranker = (config.data.architectures ?? []).some((name) => name.endsWith('ForSequenceClassification'));
  return { kind: reranker ? 'rerank' : 'embed', format: 'onnx', entry: '' };
}

/** Adds `[kind.alias]` to models.toml, or points its `path` at the new version, keeping every other line. */
async function writeEntry(library: ModelLibrary, kind: ModelKind, alias: string, modelPath: string, format: string): Promise<void> {
  const text = await readFile(library.file, 'utf8').catch(() => '');
  const lines = text.split('\n');
  const header = lines.findIndex((line) => line.trim() === `[${kind}.${alias}]`);
  const tomlPath = JSON.stringify(modelPath.split(path.sep).join('/') || '.');
  if (header === -1) {
    const entry = `[${kind}.${alias}]\npath = ${tomlPath}\nformat = "${format}"\n`;
    const prefix = text === '' ? '' : text.endsWith('\n\n') ? '' : text.endsWith('\n') ? '\n' : '\n\n';
    await atomicWrite(library.file, `${text}${prefix}${entry}`);
    return;
  }
  let end = lines.findIndex((line, i) => i > header && /^\s*\[/.test(line));
  if (end === -1) end = lines.length;
  const pathLine = lines.findIndex((line, i) => i > header && i < end && /^\s*path\s*=/.test(line));
  if (pathLine === -1) lines.splice(header + 1, 0, `path = ${tomlPath}`);
  else lines[pathLine] = `path = ${tomlPath}`;
  await atomicWrite(library.file, lines.join('\n'));
}

async function atomicWrite(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, text);
  await rename(temp, file);
}

async function versionsIn(folder: string): Promise<number[]> {
  const names = await readdir(folder).catch(() => [] as string[]);
  return names.flatMap((name) => (/^v(\d+)$/.exec(name) ? [Number(name.slice(1))] : []));
}

/** sha256 over every file's relative path and bytes, in a stable order. */
async function fingerprintOf(source: string): Promise<string> {
  const hash = createHash('sha256');
  const info = await stat(source);
  const files = info.isDirectory()
    ? (await readdir(source, { recursive: true, withFileTypes: true }))
        .filter((entry) => entry.isFile())
        .map((entry) => path.join(entry.parentPath, entry.name))
        .sort()
    : [source];
  for (const file of files) {
    hash.update(path.relative(info.isDirectory() ? source : path.dirname(source), file));
    hash.update('\0');
    for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  }
  return hash.digest('hex');
}

async function makeReadOnly(folder: string): Promise<void> {
  for (const entry of await readdir(folder, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) await chmod(path.join(entry.parentPath, entry.name), 0o444);
  }
}

function aliasFrom(source: string): string {
  return path
    .basename(source)
    .replace(/\.gguf$/i, '')
    .replace(/[^A-Za-z0-9_.-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .toLowerCase();
}

