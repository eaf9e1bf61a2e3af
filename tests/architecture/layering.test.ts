import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../e2e/hearth-server.js';
import { checkImports, readLayers, readSources, type SourceFile } from './import-graph.js';

const layers = readLayers(readFileSync(`${repoRoot}/docs/architecture.md`, 'utf8'));
const sources = readSources(repoRoot);

const withFile = (file: SourceFile) => [...sources.filter((existing) => existing.path !== file.path), file];

describe('the layers of docs/architecture.md', () => {
  it('hold for every import in app/ and schemas/', () => {
    expect(sources.length).toBeGreaterThan(100);
    expect(checkImports(sources, layers)).toEqual([]);
  });

  it('name every unit that has source files', () => {
    const units = new Set(layers.flat());
    expect(units.has('core/storage') && units.has('renderer') && units.has('schemas')).toBe(true);
  });

  it('catch an import that goes up the layers', () => {
    const upward = { path: 'app/core/storage/reach-up.ts', text: "import { KeywordIndex } from '../retrieval/index.js';\nexport const x = KeywordIndex;\n" };
    expect(checkImports(withFile(upward), layers)).toEqual([
      {
        rule: 'layer',
        message: "app/core/storage/reach-up.ts imports '../retrieval/index.js' (core/retrieval): core/storage may not import up the layers.",
      },
    ]);
  });

  it('catch an import between two capabilities of one layer', () => {
    const sideways = { path: 'app/core/chat/sideways.ts', text: "export { ingestDocument } from '../ingest/index.js';\n" };
    expect(checkImports(withFile(sideways), layers).map((violation) => violation.message)).toEqual([
      "app/core/chat/sideways.ts imports '../ingest/index.js' (core/ingest): core/chat may not import sideways, to a unit of its own layer.",
    ]);
  });

  it('catch a reach past another capability’s index.ts', () => {
    const past = { path: 'app/core/retrieval/past-index.ts', text: "import type { Documents } from '../library/documents.js';\nexport type D = Documents;\n" };
    expect(checkImports(withFile(past), layers)).toEqual([
      { rule: 'index', message: "app/core/retrieval/past-index.ts imports '../library/documents.js': it reaches past core/library's index.ts into its insides." },
    ]);
  });

  it('catch files that import each other in a cycle', () => {
    const a = { path: 'app/core/storage/cycle-a.ts', text: "import { b } from './cycle-b.js';\nexport const a = () => b;\n" };
    const b = { path: 'app/core/storage/cycle-b.ts', text: "import { a } from './cycle-a.js';\nexport const b = () => a;\n" };
    expect(checkImports([...withFile(a), b], layers)).toEqual([
      { rule: 'cycle', message: 'import cycle: app/core/storage/cycle-a.ts → app/core/storage/cycle-b.ts → app/core/storage/cycle-a.ts' },
    ]);
  });

  it('catch the core importing Electron', () => {
    const electron = { path: 'app/core/models/uses-electron.ts', text: "import { app } from 'electron';\nexport const path = app.getPath('userData');\n" };
    expect(checkImports(withFile(electron), layers)).toEqual([
      { rule: 'electron', message: "app/core/models/uses-electron.ts imports 'electron': only the Electron shell (app/main) may." },
    ]);
  });

  it('catch the renderer importing the core', () => {
    const renderer = { path: 'app/renderer/src/reach-core.ts', text: "import { createHearth } from '../../core/index.js';\nexport const open = createHearth;\n" };
    expect(checkImports(withFile(renderer), layers).map((violation) => violation.rule)).toEqual(['layer']);
  });
});
