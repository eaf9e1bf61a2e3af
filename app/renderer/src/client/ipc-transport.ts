/** The Electron transport: frames go through the preload's `window.hearth` bridge to the main process. */
import type { ClientFrame, ServerFrame } from '../../../../schemas/index.js';
import type { Transport } from './transport.js';

/** What the preload exposes with contextBridge; nothing else of Electron reaches the page. */
export interface HearthBridge {
  send(frame: ClientFrame): void;
  onFrame(listener: (frame: unknown) => void): () => void;
  /** The path of a dropped file on disk (Electron's webUtils), so the core reads it without copying bytes. */
  pathForFile(file: File): string;
}

export class IpcTransport implements Transport {
  constructor(private readonly bridge: HearthBridge) {}

  ready(): Promise<void> {
    return Promise.resolve();
  }

  send(frame: ClientFrame): void {
    this.bridge.send(frame);
  }

  onFrame(listener: (frame: ServerFrame) => void): () => void {
    return this.bridge.onFrame((frame) => listener(frame as ServerFrame));
  }

  close(): void {
    // The bridge lives as long as the window; there is nothing to close.
  }
}
