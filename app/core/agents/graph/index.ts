/** The graph runtime of the agents: typed state with reducers, nodes, edges and branches, interrupts, limits, and checkpoints after every step. */
export { END, START, type Channel, type EdgeRouter, type GraphNode, type NodeContext, type StateChannels, type StateUpdate } from './graph-shape.js';
export { StateGraph } from './state-graph.js';
export { CompiledGraph, isNodeInterrupt, type RunOptions, type RunOutcome, type StepReport } from './run-graph.js';
export {
  MemoryCheckpointer,
  type Checkpoint,
  type Checkpointer,
  type CheckpointStatus,
  type LimitName,
  type LimitRequest,
  type PendingInterrupt,
  type RunLimits,
  type RunUsage,
} from './checkpointer.js';
export { SqliteCheckpointer } from './sqlite-checkpointer.js';
