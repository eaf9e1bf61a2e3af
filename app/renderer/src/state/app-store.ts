/** What the page knows about the core it talks to: its info (version, answer mode), the connection, and a problem to show. */
import { create } from 'zustand';
import type { Result } from '../../../../schemas/index.js';

export type AppInfo = Result<'app.info'>;
export type ConnectionState = 'connecting' | 'ready' | 'lost';

interface AppState {
  info: AppInfo | null;
  connection: ConnectionState;
  /** A failure that belongs to no single row or message (loading a space, creating one…). */
  problem: string | null;
}

export const useAppStore = create<AppState>(() => ({ info: null, connection: 'connecting', problem: null }));
