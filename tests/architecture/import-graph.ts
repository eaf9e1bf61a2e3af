/**
 * Reads the imports of `app/` and `schemas/` and checks them against the layers drawn in docs/architecture.md:
 * an import may only go down the layers (never up, never sideways to a unit of the same layer), must enter
 * another capability through its `index.ts`, and no files may import each other in a cycle. Only the Electron
 * shell imports `electron`. The check takes the files as a map so a test can add a forbidden one in memory.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

export interface SourceFile {
  /** Path relative to the repository root, with forward slashes. */
  path: string;
  text: string;
}

export interface Violation {
  rule: 'layer' | 'index' | 'cycle' | 'electron' | 'unresolved';
  message: string;
}

/** The source files the layers govern: TypeScript under app/ and schemas/. */
export function readSources(root: string): SourceFile[] {
  const files: SourceFile[] = [];
  for (const top of ['app', 'schemas']) {
    for (const entry of readdirSync(path.join(root, top), { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !/\.(ts|tsx|mts)$/.test(entry.name) || entry.name.endsWith('.d.ts')) continue;
      const full = path.join(entry.parentPath, entry.name);
      files.push({ path: path.relative(root, full).split(path.sep).join('/'), text: readFileSync(full, 'utf8') });
    }
  }
  return files.sort((a, b) => a.path.localeCompare(b.path));
}

/**
 * The layers, bottom first, from the ```layers fenced block of docs/architecture.md: one layer a line, its
 * units separated by spaces. A unit is `schemas`, `core/<capability folder or root file>` or an app folder.
 */
export function readLayers(architectureMarkdown: string): string[][] {
  const block = /```layers\n([\s\S]*?)```/.exec(architectureMarkdown);
  if (!block) throw new Error('docs/architecture.md has no ```layers block');
  return block[1]!
    .split('\n')
    .map((line) => line.replace(/#.*/, '').trim())
    .filter(Boolean)
    .map((line) => line.split(/\s+/));
}

/** The unit a file belongs to, and whether that unit is a folder (entered through its index) or one file. */
export function unitOf(file: string): { unit: string; folder: boolean } | undefined {
  if (file.startsWith('schemas/')) return { unit: 'schemas', folder: true };
  const core = /^app\/core\/([^/]+)(\/)?/.exec(file);
  if (core) return core[2] ? { unit: `core/${core[1]}`, folder: true } : { unit: `core/${core[1]!.replace(/\.tsx?$/, '')}`, folder: false };
  const app = /^app\/([^/]+)\//.exec(file);
  if (app) return { unit: app[1]!, folder: false };
  return undefined;
}

/** The folder a unit's index lives in, for the index rule. */
function indexFilesOf(unit: string): string[] {
  const folder = unit === 'schemas' ? 'schemas' : `app/${unit}`;
  return [`${folder}/index.ts`, `${folder}/index.tsx`];
}

interface Edge {
  from: string;
  to: string;
  specifier: string;
}

export function checkImports(files: readonly SourceFile[], layers: readonly string[][]): Violation[] {
  const known = new Set(files.map((file) => file.path));
  const layerOf = new Map<string, number>();
  layers.forEach((units, level) => units.forEach((unit) => layerOf.set(unit, level)));
  const violations: Violation[] = [];
  const edges: Edge[] = [];

  for (const file of files) {
    for (const { fileName: specifier } of ts.preProcessFile(file.text, true, true).importedFiles) {
      if (!specifier.startsWith('.')) {
        if ((specifier === 'electron' || specifier.startsWith('electron/')) && !file.path.startsWith('app/main/')) {
          violations.push({ rule: 'electron', message: `${file.path} imports '${specifier}': only the Electron shell (app/main) may.` });
        }
        continue;
      }
      const target = resolve(file.path, specifier, known);
      if (!target) {
        // Files outside app/ and schemas/ (package.json, assets) are not governed; a missing source file is.
        if (/\.(js|ts|tsx)$/.test(specifier) || !path.extname(specifier)) {
          violations.push({ rule: 'unresolved', message: `${file.path} imports '${specifier}', which is not a source file under app/ or schemas/.` });
        }
        continue;
      }
      edges.push({ from: file.path, to: target, specifier });
    }
  }

  for (const edge of edges) {
    const from = unitOf(edge.from);
    const to = unitOf(edge.to);
    if (!from || !to || from.unit === to.unit) continue;
    const fromLevel = layerOf.get(from.unit);
    const toLevel = layerOf.get(to.unit);
    if (fromLevel === undefined || toLevel === undefined) {
      const missing = fromLevel === undefined ? from.unit : to.unit;
      violations.push({ rule: 'layer', message: `${edge.from} → ${edge.to}: ${missing} is in no layer of docs/architecture.md; add it there.` });
      continue;
    }
    if (toLevel >= fromLevel) {
      const how = toLevel === fromLevel ? 'sideways, to a unit of its own layer' : 'up the layers';
      violations.push({ rule: 'layer', message: `${edge.from} imports '${edge.specifier}' (${to.unit}): ${from.unit} may not import ${how}.` });
    }
    if (to.folder && !indexFilesOf(to.unit).includes(edge.to)) {
      violations.push({ rule: 'index', message: `${edge.from} imports '${edge.specifier}': it reaches past ${to.unit}'s index.ts into its insides.` });
    }
  }

  for (const cycle of findCycles(edges)) {
    violations.push({ rule: 'cycle', message: `import cycle: ${[...cycle, cycle[0]].join(' → ')}` });
  }
  return violations;
}

/** `specifier` from `from` as a known file: `.js` written for `.ts`/`.tsx`, a folder for its index. */
function resolve(from: string, specifier: string, known: Set<string>): string | undefined {
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
  const stem = base.replace(/\.(js|mjs|jsx)$/, '');
  return [base, `${stem}.ts`, `${stem}.tsx`, `${stem}.mts`, `${base}/index.ts`, `${base}/index.tsx`].find((candidate) => known.has(candidate));
}

/** Each strongly connected group of files that import each other (Tarjan), as one cycle through it. */
function findCycles(edges: readonly Edge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const edge of edges) next.set(edge.from, [...(next.get(edge.from) ?? []), edge.to]);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  let counter = 0;
  const visit = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter++);
    stack.push(node);
    onStack.add(node);
    for (const to of next.get(node) ?? []) {
      if (!index.has(to)) {
        visit(to);
        low.set(node, Math.min(low.get(node)!, low.get(to)!));
      } else if (onStack.has(to)) {
        low.set(node, Math.min(low.get(node)!, index.get(to)!));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const group: string[] = [];
    for (let member = stack.pop()!; ; member = stack.pop()!) {
      onStack.delete(member);
      group.push(member);
      if (member === node) break;
    }
    const selfLoop = next.get(node)?.includes(node) ?? false;
    if (group.length > 1 || selfLoop) groups.push(orderAsCycle(group, next));
  };
  for (const node of [...next.keys()].sort()) if (!index.has(node)) visit(node);
  return groups;
}

/** A path that walks the group's files in import order, starting from its first file by name. */
function orderAsCycle(group: string[], next: Map<string, string[]>): string[] {
  const members = new Set(group);
  const start = [...group].sort()[0]!;
  const pathFound: string[] = [start];
  const seen = new Set([start]);
  for (let at = start; ; ) {
    const to = (next.get(at) ?? []).find((candidate) => members.has(candidate) && !seen.has(candidate));
    if (!to) break;
    pathFound.push(to);
    seen.add(to);
    at = to;
  }
  return pathFound;
}
