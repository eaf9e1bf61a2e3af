/**
 * Makes sure LibreOffice is installed for the export tests (npm's `pretest`, beside ensure-chromium): they
 * open the DOCX and PPTX files Hearth writes with it, headless, and read the PDFs it prints. Debian's
 * `-nogui` packages hold the converter without a desktop. Nothing is done when soffice is already there.
 */
import { existsSync } from 'node:fs';
import { ensureDebianPackages } from './debian-packages.mjs';

const SOFFICE = ['/usr/bin/soffice', '/usr/lib/libreoffice/program/soffice'];
// fonts-liberation: Liberation Sans has Arial's metrics (and Cyrillic), so the exports, set in Arial, lay out
// in LibreOffice as they do in Office.
const PACKAGES = ['libreoffice-writer-nogui', 'libreoffice-impress-nogui', 'fonts-liberation'];

ensureDebianPackages({
  tag: 'ensure-libreoffice',
  packages: PACKAGES,
  installed: () => SOFFICE.some((file) => existsSync(file)),
  neededBy: 'The export tests (tests/core/export)',
});
console.log(`[ensure-libreoffice] using ${SOFFICE.find((file) => existsSync(file))}`);
