#!/usr/bin/env node
// The `hearth` command. It runs the compiled CLI (npm run build:node writes dist/).
import { existsSync } from 'node:fs';

const cli = new URL('../dist/app/server/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write('hearth: the CLI is not built. Run: npm run build:node\n');
  process.exit(3);
}
const { main } = await import(cli.href);
process.exitCode = await main(process.argv.slice(2));
