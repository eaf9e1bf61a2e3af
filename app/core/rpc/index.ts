/** RPC: the dispatcher that maps the contract onto core handlers (access checked once per call), and the per-connection session. */
export { Dispatcher, describeIssues, type CallContext, type Handlers, type HandlerContext, type SomeHandlers, type SpaceResolver } from './dispatcher.js';
export { RpcSession } from './session.js';
