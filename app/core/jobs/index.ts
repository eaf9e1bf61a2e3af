/** Jobs: durable long work (state, progress, journal, result in SQLite; recovery after a restart), and the core's one publish/subscribe path. */
export { Broker, type Delivery, type Subscription } from './broker.js';
export { Jobs, JobWaits, interruptedByClose, type JobKind, type JobRun, type JobsOptions, type Recovery } from './jobs.js';
export { jobsHandlers } from './handlers.js';
export { jobResult } from './outcome.js';
