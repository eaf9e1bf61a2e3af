/**
 * Chooses how this page reaches the core, once, at startup: the Electron preload's `window.hearth` bridge
 * when it exists, otherwise a WebSocket to the server that served the page (reconnected when it drops). It also decides how a dropped
 * file travels (a path on disk in Electron, its bytes in a browser, streamed to POST /upload on a team server),
 * so nothing else branches on the mode.
 */
import type { DocumentSource } from '../../../schemas/index.js';
import { HearthClient, type ClientProblem } from './client/hearth-client.js';
import { uploadFile, type UploadAnswer, type UploadOptions } from './client/http-upload.js';
import { IpcTransport, type HearthBridge } from './client/ipc-transport.js';
import { ReconnectingWsTransport, type LinkState } from './client/reconnecting-ws-transport.js';

declare global {
  interface Window {
    /** Present only inside the Electron window (exposed by the preload). */
    hearth?: HearthBridge;
  }
}

export interface Connection {
  client: HearthClient;
  /** How a file the user dropped or picked is handed to `documents.ingest`. */
  sourceOf(file: File): Promise<DocumentSource>;
  /**
   * On a team server, where a WebSocket frame is too small for most files: streams the file to POST /upload, which
   * starts the ingest and answers with its job. When present, files go this way rather than through `sourceOf`.
   */
  upload?(file: File, options: UploadOptions): Promise<UploadAnswer>;
  /** Where a dropped file or folder is on the core's disk; only the desktop app knows, a browser never says. */
  pathOnDisk?(file: File): string;
  /** Calls `listener` with the link to the core as it is now, then at each change (a drop, each attempt to reconnect). */
  onLink(listener: (link: LinkState) => void): void;
  /** While the link waits to reconnect, tries now instead. */
  reconnectNow(): void;
  /** Ends the link for good because the sign-in no longer holds (a team server): no more attempts; the link reads `signed-out`. */
  endSession(reason: string): void;
  /** Calls `listener` with a message for each frame from the core the client could not use (those before it registered, too). */
  onProblem(listener: (message: string) => void): void;
}

/** `team`: the page came from a team server (its GET /session said so), which takes files at POST /upload. */
export function connectToHearth(options: { team?: boolean } = {}): Connection {
  const problems = problemReports();
  const bridge = window.hearth;
  if (bridge) {
    return {
      client: new HearthClient(new IpcTransport(bridge), { onProblem: problems.report }),
      sourceOf: (file) => Promise.resolve({ kind: 'path', path: bridge.pathForFile(file) }),
      pathOnDisk: (file) => bridge.pathForFile(file),
      // The IPC bridge lives as long as the window: its link is always open.
      onLink: (listener) => listener({ status: 'open', attempt: 0, nextRetryAt: null }),
      reconnectNow: () => undefined,
      endSession: () => undefined, // the desktop app has no sign-in to end
      onProblem: problems.listen,
    };
  }
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  // The page's cookie (set when the user opened the address Hearth printed) rides along on each same-origin upgrade, reconnections too.
  const transport = new ReconnectingWsTransport({ url: `${scheme}://${location.host}/rpc`, onProblem: problems.report });
  return { ...socketConnection(transport, problems), ...(options.team ? { upload: uploadFile } : {}) };
}

/** A connection over a reconnecting WebSocket: files go as bytes in a frame. */
function socketConnection(transport: ReconnectingWsTransport, problems: ReturnType<typeof problemReports>): Connection {
  return {
    client: new HearthClient(transport, { onProblem: problems.report }),
    sourceOf: async (file) => ({ kind: 'bytes', name: file.name, base64: await readAsBase64(file) }),
    onLink: (listener) => {
      listener(transport.state);
      transport.subscribe(listener);
    },
    reconnectNow: () => transport.retryNow(),
    endSession: (reason) => transport.signOut(reason),
    onProblem: problems.listen,
  };
}

/**
 * A link to a team server the user connected to from this window (web mode or the desktop app): a WebSocket to
 * `<origin>/rpc` that presents the API token as the `hearth.bearer.<token>` subprotocol, which the team server takes
 * from any page. Files stream to the team's `<origin>/upload` with the token as a bearer (a CORS request without
 * cookies, which the team server allows from any origin), so a file need not fit in one 1 MiB frame. The token lives
 * only in memory: the transport's options, for its upgrades, and this connection's `upload`.
 */
export function connectToTeamServer(origin: URL, token: string): Connection {
  const problems = problemReports();
  const scheme = origin.protocol === 'https:' ? 'wss' : 'ws';
  const transport = new ReconnectingWsTransport({
    url: `${scheme}://${origin.host}/rpc`,
    protocols: [`hearth.bearer.${token}`],
    onProblem: problems.report,
  });
  const target = { baseUrl: origin.origin, bearer: token };
  return { ...socketConnection(transport, problems), upload: (file, options) => uploadFile(file, options, target) };
}

/** Problems reported by the client and its transport, kept until someone listens, so the first ones are not lost. */
function problemReports() {
  const early: string[] = [];
  const listeners: Array<(message: string) => void> = [];
  return {
    report: (problem: ClientProblem) => {
      if (listeners.length === 0) early.push(problem.message);
      for (const listener of listeners) listener(problem.message);
    },
    listen: (listener: (message: string) => void) => {
      listeners.push(listener);
      for (const message of early.splice(0)) listener(message);
    },
  };
}

/** Base64 of a file's bytes, via a data: URL, which the browser encodes natively and fast. */
function readAsBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const url = String(reader.result);
      resolve(url.slice(url.indexOf(',') + 1));
    };
    reader.onerror = () => reject(reader.error ?? new Error(`Could not read ${file.name}.`));
    reader.readAsDataURL(file);
  });
}
