/**
 * The preload: exposes `window.hearth` (the renderer's HearthBridge) and nothing else of Electron. It runs
 * sandboxed, so it is bundled to one CommonJS file that requires only `electron`. Frames are copied into
 * fresh plain objects here and validated in full by the core's RpcSession on the other side.
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import type { ClientFrame } from '../../schemas/index.js';
import { FRAME_CHANNEL } from './frame-channel.js';

/** The DOM `File` type as Electron declares it (the main-process tsconfig has no DOM lib). */
type DroppedFile = Parameters<typeof webUtils.getPathForFile>[0];

/** Mirrors `HearthBridge` in app/renderer/src/client/ipc-transport.ts; main may not import the renderer. */
interface HearthBridge {
  send(frame: ClientFrame): void;
  onFrame(listener: (frame: unknown) => void): () => void;
  pathForFile(file: DroppedFile): string;
}

const MAX_ID_LENGTH = 64;
const MAX_METHOD_LENGTH = 100;

const bridge: HearthBridge = {
  send(frame) {
    ipcRenderer.send(FRAME_CHANNEL, toClientFrame(frame));
  },

  onFrame(listener) {
    if (typeof listener !== 'function') throw new TypeError('hearth.onFrame expects a function.');
    // The IPC event is never handed to the page: it carries `sender`, a handle on ipcRenderer.
    const relay = (_event: IpcRendererEvent, frame: unknown): void => {
      if (isPlainObject(frame) && typeof frame['type'] === 'string') listener(frame);
    };
    ipcRenderer.on(FRAME_CHANNEL, relay);
    let subscribed = true;
    return () => {
      if (!subscribed) return;
      subscribed = false;
      ipcRenderer.removeListener(FRAME_CHANNEL, relay);
    };
  },

  pathForFile(file) {
    return webUtils.getPathForFile(file);
  },
};

contextBridge.exposeInMainWorld('hearth', bridge);

/**
 * Rebuilds a frame from its known fields only, so nothing else the page attached crosses into the main
 * process. Throws on anything that is not a request or cancel frame: a bug in the page should be loud.
 */
function toClientFrame(value: unknown): ClientFrame {
  if (!isPlainObject(value)) throw new TypeError('hearth.send expects a frame object.');
  const { type, id } = value;
  if (typeof id !== 'string' || id.length === 0 || id.length > MAX_ID_LENGTH) {
    throw new TypeError(`hearth.send: frame id must be a string of 1–${MAX_ID_LENGTH} characters.`);
  }
  if (type === 'cancel') return { type, id };
  if (type === 'request') {
    const { method, params } = value;
    if (typeof method !== 'string' || method.length === 0 || method.length > MAX_METHOD_LENGTH) {
      throw new TypeError(`hearth.send: request method must be a string of 1–${MAX_METHOD_LENGTH} characters.`);
    }
    return { type, id, method, params };
  }
  throw new TypeError('hearth.send: frame type must be "request" or "cancel".');
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
