/**
 * The folder of Hearth's package.json, found by walking up from this module — the same answer from the
 * source tree, the compiled `dist/`, and the Electron bundle in `out/`.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: { root: string; version: string } | undefined;

function find(): { root: string; version: string } {
  if (cached) return cached;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const file = path.join(dir, 'package.json');
    if (existsSync(file)) {
      try {
        const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
        if (pkg.name === 'hearth') return (cached = { root: dir, version: pkg.version ?? 'unknown' });
      } catch {
        // an unreadable package.json is not ours: keep walking up
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) return (cached = { root: process.cwd(), version: 'unknown' });
    dir = parent;
  }
}

export const packageRoot = (): string => find().root;
export const hearthVersion = (): string => find().version;
