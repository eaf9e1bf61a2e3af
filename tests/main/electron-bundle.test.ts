/**
 * The Electron build's workers: `electron-vite build` bundles the main process and each worker
 * (out/main/workers/<name>.js) with the core inside. Electron cannot run here, but its workers are plain
 * Node worker threads: each bundled worker is started and does real work — reads a PDF, embeds with a
 * tiny ONNX encoder, writes with a tiny GGUF — so a bundling fault (a missing entry, a clashing name,
 * a file the bundle cannot find) fails here rather than in the installed app.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ParsePool } from '../../app/core/parsers/index.js';
import { LocalEmbedder } from '../../app/core/models/local-transformers.js';
import { LocalLlamaChatModel } from '../../app/core/models/local-llama.js';
import { completeChat } from '../../app/core/models/types.js';
import { buildPdf } from '../fixtures/documents/pdf.js';
import { writeTinyEncoder } from '../fixtures/models/onnx/index.js';
import { writeTinyLlama } from '../fixtures/models/tiny-llama.js';
import { makeTempDir } from '../fixtures/temp-dir.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bundled = (name: string) => path.join(root, 'out', 'main', 'workers', `${name}.js`);

let temp: Awaited<ReturnType<typeof makeTempDir>>;

beforeAll(async () => {
  temp = await makeTempDir('hearth-electron-bundle-');
  await promisify(execFile)(process.execPath, [path.join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], {
    cwd: root,
    maxBuffer: 16 * 1024 * 1024,
  });
}, 180_000);

afterAll(async () => {
  await temp?.cleanup();
});

describe('the Electron build', () => {
  it('bundles every worker as its own entry', () => {
    for (const name of ['ingest', 'llm', 'transformers']) expect(existsSync(bundled(name)), `${name} worker`).toBe(true);
  });

  it('reads a PDF in the bundled ingest worker', async () => {
    const pool = new ParsePool({ size: 1, ocr: false, script: bundled('ingest') });
    try {
      const bytes = await buildPdf({ pages: [[{ heading: 'Договор', size: 18 }, { paragraph: 'The supplier delivers within ten days.' }], [{ paragraph: 'Page two.' }]] });
      const document = await pool.parse({ name: 'contract.pdf', bytes });
      expect(document.markdown).toContain('# Договор');
      expect(document.regions.map((region) => region.page)).toEqual([1, 2]);
    } finally {
      await pool.dispose();
    }
  });

  it('embeds and counts tokens in the bundled transformers worker', async () => {
    const dir = await writeTinyEncoder(path.join(temp.dir, 'encoder'));
    const embedder = await LocalEmbedder.create({ kind: 'local', path: dir, absolutePath: dir, format: 'onnx' }, { workerScript: bundled('transformers') });
    try {
      const [vector] = await embedder.embed(['the fire in the hearth']);
      expect(vector!.length).toBe(embedder.dimensions);
      expect(await embedder.countTokens(['the fire in the hearth'])).toEqual([5]);
    } finally {
      await embedder.dispose();
    }
  });

  it('writes text in the bundled llm worker', async () => {
    const { file } = await writeTinyLlama(path.join(temp.dir, 'tiny.gguf'));
    const model = await LocalLlamaChatModel.load({ kind: 'local', path: file, absolutePath: file, format: 'gguf' }, { workerScript: bundled('llm'), threads: 1 });
    try {
      const reply = await completeChat(model, { messages: [{ role: 'user', content: 'Hello' }], maxTokens: 8, seed: 1 });
      expect(reply.usage.completionTokens).toBeGreaterThan(0);
    } finally {
      await model.dispose();
    }
  });
});
