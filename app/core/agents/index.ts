/**
 * Agents: a request routed to the RAG, Planner or Report agent, run as a durable `agent` job on the graph
 * runtime (graph/), with tools behind approvals, and the Guard before, during and after.
 */
export { Agents, type AgentAnswer, type AgentsDeps } from './agents.js';
export { agentsHandlers } from './handlers.js';
export { RunContext, waitNotice, type AgentContext } from './agent-context.js';
export { Approvals, type StoredApproval } from './approvals.js';
export { agentCatalog } from './agent-catalog.js';
export { instructionsIn, reportClaimChecker, verifyClaims } from './guard/index.js';
export type { RunLimits } from './graph/index.js';
