/** Settings read from the environment, checked: a wrong value stops Hearth at start, naming the variable. */
import { HearthError } from '../../schemas/index.js';

/** `name` as a whole number of 1 or more; undefined when unset or empty; BAD_REQUEST naming it otherwise. */
export function positiveIntegerFromEnv(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || !Number.isSafeInteger(Number(raw))) {
    throw new HearthError('BAD_REQUEST', `${name} must be a whole number of 1 or more; it is "${raw}".`, { variable: name });
  }
  return Number(raw);
}
