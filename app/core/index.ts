/** The public face of Hearth's core: create one, hand its dispatcher to a transport, dispose it when done. */
export { Hearth, createHearth, type HearthOptions } from './hearth.js';
export { defaultDataDir } from './data-dir.js';
export { Dispatcher, RpcSession, type CallObserver, type CallRecord, type Handlers, type HandlerContext } from './rpc/index.js';
export { Caller, Team, localOwner, runAsCaller, type Credential } from './team/index.js';
export { jobResult } from './jobs/index.js';
