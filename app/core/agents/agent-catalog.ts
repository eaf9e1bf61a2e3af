/**
 * The agents a request can go to, as the router and the UI know them. Descriptions are written in a user's
 * words and name the kinds of requests each serves, because the router's fallback with no language model
 * compares a request's embedding with these descriptions' embeddings.
 */
import type { AgentInfo, AgentName } from '../../../schemas/index.js';

export const agentCatalog: AgentInfo[] = [
  {
    name: 'rag',
    title: 'Research',
    command: '/ask',
    description:
      'Answers questions from your documents with cited passages: what does the contract say, what is the policy, who, what, when, why, how much; compares documents and versions, finds differences, explains terms and clauses.',
  },
  {
    name: 'planner',
    title: 'Planner',
    command: '/plan',
    description:
      'Plans and does work in steps with tools: builds a milestone plan or schedule, calculates deadlines and business days, creates tasks with owners and due dates, adds calendar events and meetings, drafts an email, exports files.',
  },
  {
    name: 'report',
    title: 'Report writer',
    command: '/report',
    description:
      'Writes a structured report from your documents: a summary, a briefing, a meeting agenda, a milestone plan document, an overview or digest, exported to Word, PowerPoint, Markdown or JSON.',
  },
];

export function agentInfo(name: AgentName, agents: readonly AgentInfo[] = agentCatalog): AgentInfo {
  const info = agents.find((agent) => agent.name === name) ?? agentCatalog.find((agent) => agent.name === name);
  // The catalog holds every AgentName, so this only fails when a new name was added to the enum and not here.
  if (!info) throw new Error(`The agent catalog has no "${name}".`);
  return info;
}
