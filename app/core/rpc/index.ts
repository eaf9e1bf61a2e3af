/** RPC: the dispatcher that maps the contract onto core handlers (access checked once per call), and the per-connection session. */
export { Dispatcher, describeIssues, type CallContext, type CallObserver, type CallRecord, type Handlers, type HandlerContext, type SomeHandlers, type SpaceResolver } from './dispatcher.js';
export { RpcSession, type RpcSessionOptions } from './session.js';
