/** Launches Debian's Chromium (installed by tests/setup/ensure-chromium.mjs) headless, with a throwaway profile. */
import { chromium, type BrowserContext } from 'playwright-core';

/** `extraArgs`: more Chromium switches, e.g. `--host-resolver-rules` to point a made-up name at this machine. */
export function launchChromium(userDataDir: string, extraArgs: string[] = []): Promise<BrowserContext> {
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1440, height: 900 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
      ...extraArgs,
    ],
  });
}
