/**
 * Installs Debian packages a group of tests needs when what they provide is missing (npm's `pretest`): as root
 * through apt-get, otherwise by telling the user the command. Exits 1 when it is still missing, naming the tests.
 */
import { execFileSync } from 'node:child_process';

export function ensureDebianPackages({ tag, packages, installed, neededBy }) {
  if (!installed()) {
    const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
    if (isRoot) {
      console.log(`[${tag}] missing; installing Debian's ${packages.join(' ')}…`);
      try {
        const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
        execFileSync('apt-get', ['update'], { stdio: 'inherit', env });
        execFileSync('apt-get', ['install', '-y', '--no-install-recommends', ...packages], { stdio: 'inherit', env });
      } catch (error) {
        console.error(`[${tag}] apt-get failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
  if (!installed()) {
    console.error(
      `[${tag}] not found and could not be installed.\n` +
        `${neededBy} need it. Install it with \`sudo apt-get install -y ${packages.join(' ')}\` and run the tests again.`,
    );
    process.exit(1);
  }
}
