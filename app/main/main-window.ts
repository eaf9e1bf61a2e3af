/** The Hearth window: hardened web preferences, confined navigation, and its RPC session. */
import { app, BrowserWindow } from 'electron';
import type { AppOrigin } from './app-origin.js';
import type { IpcRpcHost } from './ipc-rpc-host.js';
import { confineNavigation } from './security.js';

export interface MainWindowOptions {
  origin: AppOrigin;
  preloadPath: string;
  rpc: IpcRpcHost;
}

export function openMainWindow(options: MainWindowOptions): BrowserWindow {
  const window = new BrowserWindow({
    title: 'Hearth',
    width: 1280,
    height: 840,
    minWidth: 760,
    minHeight: 520,
    show: false,
    webPreferences: {
      preload: options.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      // Dropped files are ingested by the renderer's drop handler, never opened as a page.
      navigateOnDragDrop: false,
      // Chromium's spellchecker downloads dictionaries on Windows and Linux; Hearth stays offline.
      spellcheck: false,
      safeDialogs: true,
      devTools: !app.isPackaged,
    },
  });
  confineNavigation(window.webContents, options.origin);
  options.rpc.attach(window.webContents);
  window.once('ready-to-show', () => window.show());
  window.loadURL(options.origin.entryUrl).catch((error: unknown) => {
    console.error(`[hearth] could not load ${options.origin.entryUrl}:`, error);
    // Show the (blank) window anyway: a hidden window would leave Hearth running with nothing on screen.
    if (!window.isDestroyed()) window.show();
  });
  return window;
}
