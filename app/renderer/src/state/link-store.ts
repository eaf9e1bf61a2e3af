/** The link to the core as the transport reports it: open, or lost and when it tries again (web mode; the desktop app's is always open). */
import { create } from 'zustand';
import type { LinkState } from '../client/reconnecting-ws-transport.js';

export type { LinkState, LinkStatus } from '../client/reconnecting-ws-transport.js';

export const useLinkStore = create<LinkState>(() => ({ status: 'connecting', attempt: 0, nextRetryAt: null }));
