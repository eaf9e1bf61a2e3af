/** A finished job's outcome as a caller wants it: the result of a job that is done, or its error, thrown. */
import { HearthError, type JobInfo, type JobInfoOf, type JobKindName } from '../../../schemas/index.js';

export function jobResult<K extends JobKindName>(info: JobInfo, kind: K): NonNullable<JobInfoOf<K>['result']> {
  if (info.kind !== kind) throw new HearthError('INTERNAL', `Expected a ${kind} job, got ${info.kind} (${info.id}).`);
  if (info.state === 'done' && info.result !== undefined) return info.result as NonNullable<JobInfoOf<K>['result']>;
  if (info.error) throw HearthError.fromPayload(info.error);
  throw new HearthError('INTERNAL', `"${info.title}" is ${info.state}, not done.`);
}
