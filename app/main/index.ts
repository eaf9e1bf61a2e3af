/**
 * Hearth's Electron main process: one instance per user, the core hosted in this process, one hardened
 * window talking to it over IPC, and an orderly shutdown that waits for the core to close its stores.
 */
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, dialog, session } from 'electron';
import { createHearth, defaultDataDir, type Hearth } from '../core/index.js';
import { resolveAppOrigin } from './app-origin.js';
import { IpcRpcHost } from './ipc-rpc-host.js';
import { openMainWindow } from './main-window.js';
import { registerAppScheme, serveRenderer } from './renderer-protocol.js';
import { contentSecurityPolicy, hardenAllWebContents, hardenSession } from './security.js';

/** Built next to this file by electron-vite: out/main/index.js, out/preload/preload.cjs, out/renderer/. */
const PRELOAD_PATH = fileURLToPath(new URL('../preload/preload.cjs', import.meta.url));
const RENDERER_DIR = fileURLToPath(new URL('../renderer/', import.meta.url));
/** How long quitting waits for the core to flush and close before giving up on it. */
const DISPOSE_TIMEOUT_MS = 15_000;

const origin = resolveAppOrigin(app.isPackaged ? undefined : process.env['ELECTRON_RENDERER_URL']);

let core: { hearth: Hearth; rpc: IpcRpcHost } | undefined;
let starting: Promise<void> | undefined;
let mainWindow: BrowserWindow | undefined;
let shutdown: 'no' | 'running' | 'done' = 'no';

// Both must happen before `ready`.
registerAppScheme();
app.enableSandbox();

if (app.requestSingleInstanceLock()) {
  hardenAllWebContents();
  app.on('second-instance', () => showWindow());
  app.on('activate', () => showWindow());
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('will-quit', (event) => {
    if (shutdown === 'done') return;
    event.preventDefault();
    if (shutdown === 'running') return;
    shutdown = 'running';
    void stopCore().finally(() => {
      shutdown = 'done';
      app.quit();
    });
  });
  starting = app.whenReady().then(start).catch(failToStart);
} else {
  // Another Hearth is running; it gets a `second-instance` event and comes to the front.
  app.quit();
}

async function start(): Promise<void> {
  hardenSession(session.defaultSession, origin);
  if (!origin.isDevServer) {
    serveRenderer({ rendererDir: RENDERER_DIR, contentSecurityPolicy: contentSecurityPolicy(origin) });
  }
  const hearth = await createHearth({ dataDir: defaultDataDir() });
  if (shutdown !== 'no') {
    // The user quit while the core was opening.
    await hearth.dispose();
    return;
  }
  core = { hearth, rpc: new IpcRpcHost(hearth.dispatcher, origin) };
  showWindow();
}

function showWindow(): void {
  if (!core || shutdown !== 'no') return;
  if (!mainWindow || mainWindow.isDestroyed()) {
    mainWindow = openMainWindow({ origin, preloadPath: PRELOAD_PATH, rpc: core.rpc });
    return;
  }
  if (mainWindow.isMinimized()) mainWindow.restore();
  mainWindow.focus();
}

async function stopCore(): Promise<void> {
  await starting;
  if (!core) return;
  const { hearth, rpc } = core;
  core = undefined;
  rpc.dispose();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), DISPOSE_TIMEOUT_MS);
  });
  try {
    const outcome = await Promise.race([hearth.dispose().then(() => 'disposed' as const), timeout]);
    if (outcome === 'timeout') {
      console.error(`[hearth] the core did not close within ${DISPOSE_TIMEOUT_MS / 1000} s; quitting anyway.`);
    }
  } catch (error) {
    console.error('[hearth] the core failed while closing:', error);
  } finally {
    clearTimeout(timer);
  }
}

function failToStart(error: unknown): void {
  console.error('[hearth] failed to start:', error);
  const message = error instanceof Error ? error.message : String(error);
  dialog.showErrorBox(
    'Hearth could not start',
    `${message}\n\nData folder: ${safeDataDir()}\nSet HEARTH_DATA_DIR to use another folder.`,
  );
  app.exit(1);
}

function safeDataDir(): string {
  try {
    return defaultDataDir();
  } catch (error) {
    return `(unknown: ${error instanceof Error ? error.message : String(error)})`;
  }
}
