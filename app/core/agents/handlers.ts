/** The agents methods of the contract: the agents and tools, starting and answering runs, standing permissions. */
import type { SomeHandlers } from '../rpc/index.js';
import type { Agents } from './agents.js';

type AgentsMethod = 'agents.list' | 'agents.run' | 'agents.answer' | 'agents.pending' | 'agents.permissions' | 'agents.revokePermission';

export function agentsHandlers(agents: Agents): SomeHandlers<AgentsMethod> {
  return {
    'agents.list': async () => agents.list(),
    'agents.run': (request, { caller }) => agents.run(caller, request),
    'agents.answer': async ({ runId, answer }, { caller }) => agents.answer(caller, runId, answer),
    'agents.pending': async ({ runId }) => {
      const wait = agents.pending(runId);
      return wait ? { wait } : {};
    },
    'agents.permissions': async ({ spaceId }) => agents.permissions(spaceId),
    'agents.revokePermission': async ({ spaceId, tool }) => {
      agents.revokePermission(spaceId, tool);
      return {};
    },
  };
}
