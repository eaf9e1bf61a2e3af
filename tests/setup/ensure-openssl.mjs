/**
 * Makes sure the `openssl` command is there (npm's `pretest`): the team server's TLS test makes its own
 * throwaway certificate with it, as an admin would for a first try.
 */
import { existsSync } from 'node:fs';
import { ensureDebianPackages } from './debian-packages.mjs';

ensureDebianPackages({
  tag: 'ensure-openssl',
  packages: ['openssl'],
  installed: () => existsSync('/usr/bin/openssl'),
  neededBy: 'The team server TLS test (tests/server/team-cli.test.ts)',
});
