/**
 * A graph of an agent, LangGraph's way: the state is a set of channels (each with a default and, where updates
 * add up, a reducer), a node is a function from the state to an update of it, edges say which nodes run next —
 * fixed, or chosen by a function of the state (several names run as branches in the same step). `compile()`
 * checks the graph once (unknown nodes, nodes no path reaches, nodes with no way to END) and gives the runnable.
 */
import type { z } from 'zod';
import { END, START, graphError, type ConditionalEdge, type EdgeRouter, type GraphNode, type StateChannels } from './graph-shape.js';
import { CompiledGraph } from './run-graph.js';

export class StateGraph<S extends object> {
  private readonly nodes = new Map<string, GraphNode<S>>();
  private readonly edges = new Map<string, string[]>();
  private readonly conditional = new Map<string, ConditionalEdge<S>[]>();

  /** `schema`, if given, checks the state read back from a checkpoint (what another version of Hearth wrote). */
  constructor(private readonly options: { channels: StateChannels<S>; schema?: z.ZodType<S> }) {}

  addNode(name: string, node: GraphNode<S>): this {
    if (name === START || name === END) throw graphError(`"${name}" is reserved; give the node another name.`);
    if (name.trim() === '') throw graphError('A node needs a name.');
    if (this.nodes.has(name)) throw graphError(`There is a node "${name}" already.`);
    this.nodes.set(name, node);
    return this;
  }

  addEdge(from: string, to: string): this {
    if (from === END) throw graphError('No edge can leave END.');
    if (to === START) throw graphError('No edge can lead to START.');
    let list = this.edges.get(from);
    if (!list) this.edges.set(from, (list = []));
    if (!list.includes(to)) list.push(to);
    return this;
  }

  /** After `from`, `router(state)` names what runs next; `targets` lists what it may name (END included). */
  addConditionalEdges(from: string, router: EdgeRouter<S>, targets?: readonly string[]): this {
    if (from === END) throw graphError('No edge can leave END.');
    let list = this.conditional.get(from);
    if (!list) this.conditional.set(from, (list = []));
    list.push({ router, targets: targets ? [...targets] : undefined });
    return this;
  }

  /** Checks the graph and makes it runnable; every problem is named, with the nodes it is about. */
  compile(): CompiledGraph<S> {
    const known = (name: string) => name === END || this.nodes.has(name);
    const names = () => [...this.nodes.keys()].map((name) => `"${name}"`).join(', ') || 'none';
    const problems: string[] = [];
    for (const [from, targets] of this.edges) {
      if (from !== START && !this.nodes.has(from)) problems.push(`an edge leaves "${from}", which is not a node`);
      for (const to of targets) if (!known(to)) problems.push(`the edge from ${label(from)} leads to "${to}", which is not a node`);
    }
    for (const [from, list] of this.conditional) {
      if (from !== START && !this.nodes.has(from)) problems.push(`a conditional edge leaves "${from}", which is not a node`);
      for (const to of list.flatMap((edge) => edge.targets ?? [])) if (!known(to)) problems.push(`the conditional edge from ${label(from)} may lead to "${to}", which is not a node`);
    }
    if (!this.edges.has(START) && !this.conditional.has(START)) problems.push('nothing leaves START: add an edge from START to the first node');
    if (problems.length === 0) {
      const successors = (name: string): string[] | 'any' => {
        const conditional = this.conditional.get(name) ?? [];
        // A router whose targets are not declared may name any node: nothing can be proved unreachable through it.
        if (conditional.some((edge) => edge.targets === undefined)) return 'any';
        return [...(this.edges.get(name) ?? []), ...conditional.flatMap((edge) => edge.targets ?? [])];
      };
      const reached = new Set<string>();
      const queue = [START];
      while (queue.length > 0) {
        const next = successors(queue.shift()!);
        for (const name of next === 'any' ? [...this.nodes.keys(), END] : next) {
          if (!reached.has(name)) reached.add(name), queue.push(name);
        }
      }
      const unreachable = [...this.nodes.keys()].filter((name) => !reached.has(name));
      if (unreachable.length > 0) problems.push(`no path from START reaches ${unreachable.map((name) => `"${name}"`).join(', ')}`);
      // Which nodes can reach END, going backwards from it.
      const ends = new Set<string>([END]);
      for (let grew = true; grew; ) {
        grew = false;
        for (const name of this.nodes.keys()) {
          if (ends.has(name)) continue;
          const next = successors(name);
          if (next === 'any' || next.some((to) => ends.has(to))) ends.add(name), (grew = true);
        }
      }
      const stuck = [...this.nodes.keys()].filter((name) => reached.has(name) && !ends.has(name));
      if (stuck.length > 0) problems.push(`from ${stuck.map((name) => `"${name}"`).join(', ')} there is no way to END: add an edge to END or to a node that leads there`);
    }
    if (problems.length > 0) throw graphError(`The graph cannot run: ${problems.join('; ')} (nodes: ${names()}).`);
    return new CompiledGraph<S>({
      channels: this.options.channels,
      schema: this.options.schema,
      nodes: new Map(this.nodes),
      edges: new Map([...this.edges].map(([from, to]) => [from, [...to]])),
      conditional: new Map([...this.conditional].map(([from, list]) => [from, [...list]])),
    });
  }
}

const label = (name: string) => (name === START ? 'START' : `"${name}"`);

