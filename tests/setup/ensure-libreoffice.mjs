/**
 * Makes sure LibreOffice is installed for the export tests (npm's `pretest`, beside ensure-chromium): they
 * open the DOCX and PPTX files Hearth writes with it, headless, and read the PDFs it prints. Debian's
 * `-nogui` packages hold the converter without a desktop. Nothing is done when soffice is already there.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const SOFFICE = ['/usr/bin/soffice', '/usr/lib/libreoffice/program/soffice'];
// fonts-liberation: Liberation Sans has Arial's metrics (and Cyrillic), so the exports, set in Arial, lay out
// in LibreOffice as they do in Office.
const PACKAGES = ['libreoffice-writer-nogui', 'libreoffice-impress-nogui', 'fonts-liberation'];
const installed = () => SOFFICE.some((file) => existsSync(file));

if (!installed()) {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot) {
    console.log(`[ensure-libreoffice] soffice is missing; installing Debian's ${PACKAGES.join(' ')}…`);
    try {
      const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
      execFileSync('apt-get', ['update'], { stdio: 'inherit', env });
      execFileSync('apt-get', ['install', '-y', '--no-install-recommends', ...PACKAGES], { stdio: 'inherit', env });
    } catch (error) {
      console.error(`[ensure-libreoffice] apt-get failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

if (!installed()) {
  console.error(
    '[ensure-libreoffice] LibreOffice (soffice) was not found and could not be installed.\n' +
      `The export tests (tests/core/export) need it. Install it with \`sudo apt-get install -y ${PACKAGES.join(' ')}\` and run the tests again.`,
  );
  process.exit(1);
}
console.log(`[ensure-libreoffice] using ${SOFFICE.find((file) => existsSync(file))}`);
