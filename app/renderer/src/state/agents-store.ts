/**
 * The agents the chat can ask and the runs it shows: the live run at the end of the conversation (asked,
 * streaming, or waiting for the user), and runs of stored answers whose steps were replayed from their
 * journal. Updated only by agent-actions.ts, from the core's events.
 */
import { create } from 'zustand';
import type { AgentInfo, ErrorPayload, ToolInfo } from '../../../../schemas/index.js';
import type { AgentRun } from './agent-run.js';

/** A stored answer's run, read again from its journal when its steps are opened. */
export type ReplayedRun = { status: 'loading' } | { status: 'ready'; run: AgentRun } | { status: 'failed'; error: ErrorPayload };

interface AgentsState {
  /** The space `agents` and `tools` were read for. */
  spaceId: string | null;
  /** The agents a request can go to, for "ask another agent". */
  agents: AgentInfo[];
  tools: ToolInfo[];
  /** The run at the end of the chat: being asked, streaming, waiting for an answer, or just failed. */
  live: AgentRun | null;
  /** By run id. */
  replays: Record<string, ReplayedRun>;
}

export const useAgentsStore = create<AgentsState>(() => ({ spaceId: null, agents: [], tools: [], live: null, replays: {} }));
