/** RPC: the dispatcher that maps the contract onto core handlers, and the per-connection session. */
export { Dispatcher, describeIssues, type Handlers, type HandlerContext } from './dispatcher.js';
export { RpcSession } from './session.js';
