/** Where the link's state reaches the UI (fed once, by `startHearth`), and the banner's "Retry now". */
import type { Connection } from '../connection.js';
import { connected } from './core-connection.js';
import { useLinkStore } from './link-store.js';

export function followLink(conn: Connection): void {
  conn.onLink((link) => useLinkStore.setState(link, true));
}

export function reconnectNow(): void {
  connected().reconnectNow();
}
