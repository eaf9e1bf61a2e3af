/**
 * Which agent took the request and why ("Planner — the request starts with /plan"), with the other agents one
 * click away: choosing one asks it the same request instead.
 */
import type { AgentName, RouteDecision } from '../../../../../schemas/index.js';
import { redirectRun } from '../../state/agent-actions.js';
import { useAgentsStore } from '../../state/agents-store.js';

const METHOD: Record<RouteDecision['method'], string> = {
  command: 'command',
  mention: 'mention',
  attachment: 'attachment',
  llm: 'chosen by the model',
  similarity: 'closest description',
  user: 'your choice',
  default: 'default',
};

interface Props {
  route: RouteDecision | null;
  /** Known for a stored answer even when its run's route was not read (yet). */
  agent?: AgentName;
  /** What to ask another agent; redirecting is offered only when it is known. */
  request?: string;
  /** A redirect is offered once the run has finished or is waiting (it is cancelled first). */
  canRedirect: boolean;
}

export function RouteLine({ route, agent, request, canRedirect }: Props) {
  const agents = useAgentsStore((state) => state.agents);
  const name = route?.agent ?? agent;
  if (!name) return null;
  const title = agents.find((candidate) => candidate.name === name)?.title ?? name;
  const others = agents.filter((candidate) => candidate.name !== name);
  return (
    <div className="route-line" data-testid="agent-route" data-agent={name} data-method={route?.method}>
      <span className="route-line__agent">{title}</span>
      {route && (
        <span className="route-line__why" title={METHOD[route.method]} data-testid="agent-route-reason">
          {route.reason} <span className="agent-badge">{METHOD[route.method]}</span>
        </span>
      )}
      {canRedirect && request !== undefined && request !== '' && others.length > 0 && (
        <span className="route-line__redirect">
          Ask instead:
          {others.map((other) => (
            <button
              key={other.name}
              type="button"
              className="link-button"
              data-testid="agent-redirect"
              data-agent={other.name}
              title={other.description}
              onClick={() => void redirectRun(request, other.name)}
            >
              {other.title}
            </button>
          ))}
        </span>
      )}
    </div>
  );
}
