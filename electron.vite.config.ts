/**
 * electron-vite builds the desktop shell into out/: the main process (with the core bundled in, native
 * packages left as runtime imports), the sandboxed preload as one CommonJS file, and the renderer.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'electron-vite';
import rendererConfig from './app/renderer/vite.config.js';

const fromRoot = (relative: string): string => fileURLToPath(new URL(relative, import.meta.url));

/**
 * Packages with native addons, WASM or files they find next to themselves at runtime: never bundled.
 * Everything under package.json "dependencies" is externalized as well; these are listed so a package
 * that is not a dependency yet (or only arrives transitively) still stays out of the bundle.
 */
const NATIVE_PACKAGES = [
  'better-sqlite3',
  'node-llama-cpp',
  '@lancedb/lancedb',
  'onnxruntime-node',
  '@huggingface/transformers',
  'sharp',
];

export default defineConfig({
  main: {
    build: {
      outDir: fromRoot('./out/main'),
      externalizeDeps: { include: NATIVE_PACKAGES },
      rolldownOptions: {
        // The workers are entries of their own: the core finds them at out/main/workers/<name>.js.
        input: {
          index: fromRoot('./app/main/index.ts'),
          'workers/llm': fromRoot('./app/workers/llm/worker.ts'),
          'workers/transformers': fromRoot('./app/workers/transformers/worker.ts'),
          'workers/ingest': fromRoot('./app/workers/ingest/worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: fromRoot('./out/preload'),
      // A sandboxed preload can only require('electron'): bundle everything else into the one file.
      externalizeDeps: false,
      rolldownOptions: {
        input: { preload: fromRoot('./app/main/preload.ts') },
        // Sandboxed preloads cannot be ES modules; .cjs keeps Node from reading it as ESM under "type": "module".
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  // The web build's own config (root, React, its dev-only CSP relaxation), written to out/ instead of dist/.
  renderer: {
    ...rendererConfig,
    build: {
      ...rendererConfig.build,
      outDir: fromRoot('./out/renderer'),
      rolldownOptions: {
        input: fromRoot('./app/renderer/index.html'),
      },
    },
  },
});
