/**
 * Makes sure the system Chromium that the browser tests drive is installed (npm's `pretest`). Playwright's
 * own browser download needs the network, so the tests use Debian's chromium package instead.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const CHROMIUM = '/usr/bin/chromium';

if (!existsSync(CHROMIUM)) {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot) {
    console.log(`[ensure-chromium] ${CHROMIUM} is missing; installing Debian's chromium package…`);
    try {
      execFileSync('apt-get', ['update'], { stdio: 'inherit' });
      execFileSync('apt-get', ['install', '-y', 'chromium'], {
        stdio: 'inherit',
        env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      });
    } catch (error) {
      console.error(`[ensure-chromium] apt-get failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

if (!existsSync(CHROMIUM)) {
  console.error(
    `[ensure-chromium] ${CHROMIUM} was not found and could not be installed.\n` +
      'The browser tests (tests/e2e) need it. Install it with `sudo apt-get install -y chromium` and run the tests again.',
  );
  process.exit(1);
}
console.log(`[ensure-chromium] using ${CHROMIUM}`);
