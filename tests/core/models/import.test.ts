import { readFile, stat, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importModel, loadModelLibrary, readGgufSummary } from '../../../app/core/models/index.js';
import { writeTinyCrossEncoder, writeTinyEncoder } from '../../fixtures/models/onnx/index.js';
import { writeTinyLlama } from '../../fixtures/models/tiny-llama.js';
import { makeTempDir } from '../../fixtures/temp-dir.js';

let temp: { dir: string; cleanup(): Promise<void> };
let library: string;
let gguf: string;

beforeEach(async () => {
  temp = await makeTempDir();
  library = path.join(temp.dir, 'library');
  gguf = path.join(temp.dir, 'Tiny Llama.gguf');
  await writeTinyLlama(gguf, { seed: 7 });
});
afterEach(() => temp.cleanup());

describe('reading a GGUF header', () => {
  it('reports architecture, size, quantization, context and chat template without loading weights', async () => {
    const summary = await readGgufSummary(gguf);
    expect(summary).toMatchObject({ architecture: 'llama', quantization: 'ALL_F32', contextLength: 2048 });
    expect(summary.parameters).toBeGreaterThan(100_000);
    expect(summary.chatTemplate).toContain('<|im_start|>');
    expect(summary.sizeBytes).toBe((await stat(gguf)).size);
  });

  it('refuses a file renamed .gguf and a truncated GGUF with clear errors', async () => {
    const fake = path.join(temp.dir, 'fake.gguf');
    await writeFile(fake, '%PDF-1.7 not a model');
    await expect(readGgufSummary(fake)).rejects.toMatchObject({ code: 'MODEL_INVALID', message: expect.stringContaining('is not a GGUF file') });
    const { size } = await stat(gguf);
    await truncate(gguf, Math.floor(size / 2));
    await expect(readGgufSummary(gguf)).rejects.toMatchObject({ code: 'MODEL_INVALID', message: expect.stringContaining('is truncated') });
    await truncate(gguf, 100); // inside the header itself
    await expect(readGgufSummary(gguf)).rejects.toMatchObject({ code: 'MODEL_INVALID' });
  });
});

describe('importing models into the library', () => {
  it('copies into an immutable versioned folder and adds the alias to models.toml', async () => {
    const result = await importModel({ library, source: gguf });
    expect(result).toEqual({ kind: 'llm', alias: 'tiny-llama', version: 1, path: path.join('llm', 'tiny-llama', 'v1', 'Tiny Llama.gguf'), format: 'gguf', copied: true });
    const copy = path.join(library, result.path);
    expect((await stat(copy)).mode & 0o222).toBe(0); // read-only for everyone
    const loaded = await loadModelLibrary(library);
    expect(loaded.problems).toEqual([]);
    expect(loaded.entries[0]).toMatchObject({ kind: 'llm', name: 'tiny-llama', source: { absolutePath: copy, format: 'gguf' } });
  });

  it('never overwrites: the same bytes reuse their version, new bytes make the next one', async () => {
    await importModel({ library, source: gguf, alias: 'tiny' });
    const again = await importModel({ library, source: gguf, alias: 'tiny' });
    expect(again).toMatchObject({ version: 1, copied: false });
    const v1 = await readFile(path.join(library, again.path));

    await writeTinyLlama(gguf, { seed: 8 });
    const second = await importModel({ library, source: gguf, alias: 'tiny' });
    expect(second).toMatchObject({ version: 2, copied: true, path: path.join('llm', 'tiny', 'v2', 'Tiny Llama.gguf') });
    expect(await readFile(path.join(library, 'llm', 'tiny', 'v1', 'Tiny Llama.gguf'))).toEqual(v1);
    const loaded = await loadModelLibrary(library);
    expect(loaded.entries.map((entry) => [entry.name, (entry.source as { path: string }).path])).toEqual([['tiny', 'llm/tiny/v2/Tiny Llama.gguf']]);
  });

  it('keeps the rest of a hand-written models.toml, comments included', async () => {
    const file = path.join(library, 'models.toml');
    await importModel({ library, source: gguf, alias: 'tiny' });
    const handWritten = `# my remote box\n[llm.team]\nprovider = "openai"\nurl = "http://gpu:8000/v1"\nmodel = "big"\n\n${await readFile(file, 'utf8')}`;
    await writeFile(file, handWritten);
    await writeTinyLlama(gguf, { seed: 9 });
    await importModel({ library, source: gguf, alias: 'tiny' });
    const text = await readFile(file, 'utf8');
    expect(text).toContain('# my remote box\n[llm.team]');
    expect(text).toContain('path = "llm/tiny/v2/Tiny Llama.gguf"');
    expect((await loadModelLibrary(library)).entries.map((entry) => entry.name)).toEqual(['team', 'tiny']);
  });

  it('tells an embedding folder from a reranker folder by its config', async () => {
    const encoder = await writeTinyEncoder(path.join(temp.dir, 'mini-encoder'));
    const crossEncoder = await writeTinyCrossEncoder(path.join(temp.dir, 'mini-reranker'));
    expect(await importModel({ library, source: encoder })).toMatchObject({ kind: 'embed', alias: 'mini-encoder', format: 'onnx' });
    expect(await importModel({ library, source: crossEncoder })).toMatchObject({ kind: 'rerank', alias: 'mini-reranker' });
    const loaded = await loadModelLibrary(library);
    expect(loaded.entries.map((entry) => `${entry.kind}.${entry.name}`)).toEqual(['embed.mini-encoder', 'rerank.mini-reranker']);
  });

  it('refuses what is not a model, leaving the library as it was', async () => {
    const fake = path.join(temp.dir, 'notes.gguf');
    await writeFile(fake, 'hello');
    await expect(importModel({ library, source: fake })).rejects.toMatchObject({ code: 'MODEL_INVALID' });
    await expect(importModel({ library, source: path.join(temp.dir, 'nothing-here') })).rejects.toMatchObject({ code: 'MODEL_NOT_FOUND' });
    await expect(importModel({ library, source: temp.dir })).rejects.toMatchObject({ code: 'MODEL_INVALID', message: expect.stringContaining('config.json') });
    expect(await loadModelLibrary(library)).toMatchObject({ entries: [], problems: [] });
  });
});
