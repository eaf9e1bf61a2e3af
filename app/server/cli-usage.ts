/** What every `hearth` command shares: exit codes a script can rely on, and the error for a wrong command line. */
export const ExitCode = { ok: 0, inputFailed: 1, usage: 2, internal: 3 } as const;

/** The command line is wrong: exits 2 with the usage text. */
export class UsageError extends Error {}
