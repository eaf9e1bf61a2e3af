import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultLibraryFolder, describeProblem, findModel, loadModelLibrary } from '../../../app/core/models/index.js';
import { makeTempDir } from '../../fixtures/temp-dir.js';

let temp: { dir: string; cleanup(): Promise<void> };

beforeEach(async () => {
  temp = await makeTempDir();
  await writeFile(path.join(temp.dir, 'qwen.gguf'), 'GGUF');
  await mkdir(path.join(temp.dir, 'minilm'));
});
afterEach(() => temp.cleanup());

const write = (text: string) => writeFile(path.join(temp.dir, 'models.toml'), text);

describe('the model library (models.toml)', () => {
  it('reads local and remote entries with aliases, paths relative to the library', async () => {
    await write(`# My models
[llm.default]
path = "qwen.gguf"
format = "gguf"
max_context = 8192
aliases = ["qwen", "fast"]

[llm.team]
provider = "openai"
url = "http://gpu-box:8000/v1"
model = "Qwen2.5-72B-Instruct"
api_key_env = "TEAM_KEY"

[embed.minilm]
path = "minilm"
format = "onnx"
pooling = "mean"
`);
    const library = await loadModelLibrary(temp.dir);
    expect(library.problems).toEqual([]);
    expect(library.entries.map((entry) => `${entry.kind}.${entry.name}@${entry.line}`)).toEqual(['llm.default@2', 'llm.team@8', 'embed.minilm@14']);
    const qwen = findModel(library, 'llm', 'fast')!;
    expect(qwen.source).toMatchObject({ kind: 'local', format: 'gguf', max_context: 8192, absolutePath: path.join(temp.dir, 'qwen.gguf') });
    expect(findModel(library, 'llm', 'team')!.source).toMatchObject({ kind: 'remote', model: 'Qwen2.5-72B-Instruct' });
    expect(findModel(library, 'embed', 'qwen')).toBeUndefined();
  });

  it('names the line and key of a bad key, suggesting the one meant, and keeps the good entries', async () => {
    await write(`[llm.default]
path = "qwen.gguf"
formt = "gguf"

[embed.minilm]
path = "minilm"
format = "onnx"
`);
    const library = await loadModelLibrary(temp.dir);
    expect(library.problems.map(describeProblem)).toEqual([
      'models.toml line 1: [llm.default] `format`: Invalid option: expected one of "gguf"|"hf"|"onnx"',
      'models.toml line 3: [llm.default] unknown key `formt` — did you mean `format`?',
    ]);
    expect(library.entries.map((entry) => entry.name)).toEqual(['minilm']);
  });

  it('reports a missing model file with the path it looked for', async () => {
    await write(`[rerank.bge]
format = "onnx"
path = "bge-reranker"
`);
    const library = await loadModelLibrary(temp.dir);
    expect(library.entries).toEqual([]);
    expect(describeProblem(library.problems[0]!)).toBe(
      `models.toml line 3: [rerank.bge] path = "bge-reranker": no such file or folder (looked for ${path.join(temp.dir, 'bge-reranker')})`,
    );
  });

  it('reports unknown sections, bad values and TOML syntax errors with their lines', async () => {
    await write(`[llms.default]
path = "qwen.gguf"

[llm.remote]
provider = "openai"
url = "not a url"
model = "x"
`);
    const library = await loadModelLibrary(temp.dir);
    expect(library.problems.map(describeProblem)).toEqual([
      expect.stringMatching(/^models\.toml line 1: unknown section \[llms\] — did you mean `llm`\?/),
      expect.stringMatching(/^models\.toml line 6: \[llm\.remote\] `url`: /),
    ]);

    await write('[llm.default]\npath = "qwen.gguf\n');
    await expect(loadModelLibrary(temp.dir)).rejects.toMatchObject({ code: 'MODEL_CONFIG_INVALID', message: expect.stringMatching(/^models\.toml line 2: /) });
  });

  it('is an empty library when there is no models.toml', async () => {
    expect(await loadModelLibrary(path.join(temp.dir, 'nowhere'))).toMatchObject({ entries: [], problems: [] });
  });

  it('is found through HEARTH_MODELS, then MODEL_DIR, then the bundled folder', () => {
    expect(defaultLibraryFolder({ HEARTH_MODELS: '/a', MODEL_DIR: '/b' }, '/c')).toBe('/a');
    expect(defaultLibraryFolder({ MODEL_DIR: '/b' }, '/c')).toBe('/b');
    expect(defaultLibraryFolder({}, '/c')).toBe('/c');
  });
});
