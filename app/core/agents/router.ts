/**
 * The router: which agent takes a request, and why in one line. Rules first, because a user who typed them
 * meant them: the user's own choice, a slash command (`/ask`, `/plan`, `/report [template]`), an `@agent`
 * mention, attachments. Then a classifier: the language model choosing from the agents' enum (held to it by a
 * schema); with no model, the request's embedding closest to an agent's description's; with neither, Research.
 */
import { z } from 'zod';
import { HearthError, isBuiltInTemplateId, type AgentInfo, type AgentName, type RouteDecision } from '../../../schemas/index.js';
import type { ChatModel, Embedder } from '../models/index.js';
import { generateStructured } from '../sgr/index.js';
import { agentCatalog, agentInfo } from './agent-catalog.js';

export interface RouteInput {
  request: string;
  documentIds?: readonly string[] | undefined;
  /** The user's choice (a one-click redirect): no rule or classifier is asked. */
  agent?: AgentName | undefined;
  templateId?: string | undefined;
}

export interface RouteDeps {
  agents?: readonly AgentInfo[];
  model?: ChatModel | undefined;
  embedder?: Embedder | undefined;
  /** Templates a `/report <id>` may name besides Hearth's own (a space's templates). */
  templateIds?: readonly string[];
  signal: AbortSignal;
}

export interface Routed {
  route: RouteDecision;
  /** The request without the command or mention that chose the agent. */
  request: string;
}

const maxReason = 120;

export async function routeRequest(input: RouteInput, deps: RouteDeps): Promise<Routed> {
  const agents = deps.agents?.length ? deps.agents : agentCatalog;
  const request = input.request.trim();
  const template = input.templateId ? { templateId: input.templateId } : {};
  if (input.agent) {
    return { route: { agent: input.agent, method: 'user', reason: `You chose ${agentInfo(input.agent, agents).title}.`, ...template }, request };
  }
  const ruled = byCommand(request, agents, deps.templateIds ?? []) ?? byMention(request, agents);
  if (ruled) {
    if (!ruled.request) throw new HearthError('BAD_REQUEST', `"${request}" says which agent to ask, but not what to ask: write the request after it.`);
    return { route: { ...ruled.route, ...(ruled.route.templateId ? {} : template) }, request: ruled.request };
  }
  if (input.templateId) return { route: { agent: 'report', method: 'user', reason: 'A report template was chosen.', ...template }, request };
  if (input.documentIds?.length) {
    const count = `${input.documentIds.length} attached document${input.documentIds.length === 1 ? '' : 's'}`;
    return summaryWording.test(request)
      ? { route: { agent: 'report', method: 'attachment', reason: `Asks to summarise or report on ${count}.` }, request }
      : { route: { agent: 'rag', method: 'attachment', reason: `Asks about ${count}.` }, request };
  }
  const available = agents.map((agent) => agent.name);
  // A classifier that fails hands the request to the next one, and the reason shown says why it did.
  const problems: string[] = [];
  if (deps.model) {
    const chosen = await byModel(request, agents, deps.model, deps.signal).catch(unlessCancelled(problems, 'The language model could not classify it'));
    if (chosen && available.includes(chosen.agent)) return { route: { agent: chosen.agent, method: 'llm', reason: oneLine(chosen.reason) }, request };
  }
  if (deps.embedder) {
    // Without a language model the Planner cannot work (it answers "needs a model"): the similarity classifier
    // chooses among the agents that can, so a question is never sent where it can only be refused.
    const able = deps.model ? agents : agents.filter((agent) => agent.name !== 'planner');
    const similar = await bySimilarity(request, able, deps.embedder, deps.signal).catch(unlessCancelled(problems, 'The embedder could not compare it'));
    if (similar) return { route: { ...similar, reason: withProblems(similar.reason, problems) }, request };
  }
  const reason = problems.length > 0 ? 'Research answers it.' : 'No language model or embedder is configured to classify the request, so Research answers it.';
  return { route: { agent: 'rag', method: 'default', reason: withProblems(reason, problems) }, request };
}

const withProblems = (reason: string, problems: readonly string[]) => (problems.length > 0 ? `${reason} (${problems.join('; ')}.)` : reason);

/** `/plan …`, `/ask …`, `/report …`, `/report milestone-plan …`, `/report [my-template] …`. */
function byCommand(request: string, agents: readonly AgentInfo[], templateIds: readonly string[]): Routed | undefined {
  const match = /^(\/[\p{L}\d_-]+)(?=\s|$)\s*([\s\S]*)$/u.exec(request);
  if (!match) return undefined;
  const command = match[1]!.toLowerCase();
  const agent = agents.find((candidate) => candidate.command.toLowerCase() === command);
  if (!agent) return undefined;
  let rest = match[2]!.trim();
  const route: RouteDecision = { agent: agent.name, method: 'command', reason: `The request starts with ${agent.command}.` };
  if (agent.name === 'report') {
    const named = /^\[([^\]\s]+)\]\s*([\s\S]*)$/.exec(rest) ?? /^([\w-]+)(?=\s|$)\s*([\s\S]*)$/.exec(rest);
    if (named && (named[0].startsWith('[') || isBuiltInTemplateId(named[1]!) || templateIds.includes(named[1]!))) {
      route.templateId = named[1]!;
      route.reason = `The request starts with ${agent.command} ${named[1]}.`;
      rest = named[2]!.trim();
    }
  }
  return { route, request: rest };
}

/** `@planner`, `@rag`, `@report`, or a title (`@research`, `@report-writer`), anywhere in the request. */
function byMention(request: string, agents: readonly AgentInfo[]): Routed | undefined {
  for (const match of request.matchAll(/(?<![\w@.])@([\p{L}\d_-]+)[:,]?/gu)) {
    const said = squash(match[1]!.replace(/[-_]+$/, ''));
    const agent = agents.find((candidate) => said === squash(candidate.name) || said === squash(candidate.title));
    if (!agent) continue;
    const rest = `${request.slice(0, match.index)} ${request.slice(match.index + match[0].length)}`.replace(/\s+/g, ' ').replace(/^[\s,:;]+/, '').trim();
    return { route: { agent: agent.name, method: 'mention', reason: `The request mentions @${match[1]}.` }, request: rest };
  }
  return undefined;
}

const squash = (name: string) => name.toLowerCase().replace(/[\s_-]+/g, '');

/** "Summarise", "report", "brief me", "overview" — in English and Russian — about attachments. */
const summaryWording =
  /\b(summar(y|ies|i[sz]e|i[sz]ing)|report|brief(ing)?|overview|digest|recap|tl;?dr)\b|(резюм\p{L}*|сводк\p{L}*|сводн\p{L}*|отч[её]т\p{L}*|кратко\p{L}*|обзор\p{L}*|выжимк\p{L}*|суммир\p{L}*)/iu;

async function byModel(request: string, agents: readonly AgentInfo[], model: ChatModel, signal: AbortSignal): Promise<{ agent: AgentName; reason: string }> {
  const names = agents.map((agent) => agent.name) as [AgentName, ...AgentName[]];
  const schema = z.object({
    agent: z.enum(names).describe('the agent that should handle the request'),
    reason: z.string().min(1).max(maxReason).describe('one line: why this agent'),
  });
  const result = await generateStructured({
    model,
    schema: { zod: schema, name: 'route' },
    system: [
      'You route a user’s request to one of these agents of a document assistant:',
      ...agents.map((agent) => `- ${agent.name} (${agent.title}): ${agent.description}`),
      'Choose the one agent that fits best, with a one-line reason.',
    ].join('\n'),
    messages: [{ role: 'user', content: `Request: ${request}` }],
    maxRepairs: 1,
    // Room for the longest reason the schema allows (a token can be a single character on a small vocabulary),
    // so a reply is never cut off before its JSON closes.
    maxTokens: 2 * maxReason + 60,
    temperature: 0,
    signal,
  });
  return result.value;
}

/** Embeddings of the agents' descriptions, per embedder and catalog: the same on every request. */
const descriptionVectors = new WeakMap<Embedder, Map<string, Promise<Float32Array[]>>>();

async function bySimilarity(request: string, agents: readonly AgentInfo[], embedder: Embedder, signal: AbortSignal): Promise<RouteDecision> {
  const descriptions = agents.map((agent) => `${agent.title}: ${agent.description}`);
  const byCatalog = descriptionVectors.get(embedder) ?? new Map<string, Promise<Float32Array[]>>();
  descriptionVectors.set(embedder, byCatalog);
  const key = descriptions.join('\n');
  let vectors = byCatalog.get(key);
  if (!vectors) {
    vectors = embedder.embed(descriptions, { signal });
    byCatalog.set(key, vectors);
    // A failed or cancelled embedding is not kept: the next request tries again.
    vectors.catch(() => byCatalog.delete(key));
  }
  const [[query], described] = await Promise.all([embedder.embed([request], { signal }), vectors]);
  const scores: Record<string, number> = {};
  agents.forEach((agent, i) => (scores[agent.name] = round(dot(query!, described[i]!))));
  const best = agents.reduce((a, b) => (scores[b.name]! > scores[a.name]! ? b : a));
  return {
    agent: best.name,
    method: 'similarity',
    reason: `The request reads most like what ${best.title} does (similarity ${scores[best.name]!.toFixed(2)}).`,
    scores,
  };
}

// The embedders give unit-length vectors, so the dot product is the cosine similarity.
const dot = (a: Float32Array, b: Float32Array) => a.reduce((sum, x, i) => sum + x * (b[i] ?? 0), 0);
const round = (x: number) => Math.round(x * 1000) / 1000;
const oneLine = (text: string) => {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > maxReason ? `${line.slice(0, maxReason - 1)}…` : line;
};

/** A classifier that cannot answer leaves the request to the next one, its problem kept for the reason; a cancelled run stops. */
function unlessCancelled(problems: string[], what: string) {
  return (error: unknown): undefined => {
    if ((error instanceof HearthError && error.code === 'CANCELLED') || (error as Error)?.name === 'AbortError') throw error;
    problems.push(`${what}: ${oneLine(error instanceof Error ? error.message : String(error))}`);
    return undefined;
  };
}
