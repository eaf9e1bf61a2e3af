/** Worker threads: the host side (calls, streamed events, cancel, crash → restart) and the messages it exchanges. */
export { WorkerHost, liveWorkerThreads, resolveWorkerScript, workerThreadStarts, type WorkerHostOptions } from './worker-host.js';
export { HostMessage, WorkerMessage } from './worker-protocol.js';
