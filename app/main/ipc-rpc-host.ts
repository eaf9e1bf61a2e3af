/**
 * The Electron side of the RPC transport: one RpcSession per window, fed only by frames that come from
 * that window's top frame while it shows one of the app's own pages. It moves frames and knows no methods.
 */
import { ipcMain, type IpcMainEvent, type WebContents } from 'electron';
import { RpcSession, localOwner, type Dispatcher } from '../core/index.js';
import type { AppOrigin } from './app-origin.js';
import { FRAME_CHANNEL } from './frame-channel.js';

interface Attached {
  readonly contents: WebContents;
  /** Created on the page's first frame; replaced when the window loads a new page. */
  session: RpcSession | undefined;
}

export class IpcRpcHost {
  private readonly attached = new Map<number, Attached>();
  private disposed = false;

  constructor(
    private readonly dispatcher: Dispatcher,
    private readonly origin: AppOrigin,
  ) {
    ipcMain.on(FRAME_CHANNEL, this.onFrame);
  }

  /** Lets `contents` talk to the core. Its session ends when it loads another page or is destroyed. */
  attach(contents: WebContents): void {
    if (this.disposed) throw new Error('IpcRpcHost.attach called after dispose.');
    const entry: Attached = { contents, session: undefined };
    this.attached.set(contents.id, entry);
    contents.on('did-start-navigation', (details) => {
      // A reload or a new page starts with fresh request ids: cancel what the old page started.
      if (details.isMainFrame && !details.isSameDocument) this.endSession(entry);
    });
    contents.on('render-process-gone', () => this.endSession(entry));
    contents.once('destroyed', () => {
      this.endSession(entry);
      this.attached.delete(contents.id);
    });
  }

  /** Cancels every window's in-flight work and stops listening. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    ipcMain.removeListener(FRAME_CHANNEL, this.onFrame);
    for (const entry of this.attached.values()) this.endSession(entry);
    this.attached.clear();
  }

  private readonly onFrame = (event: IpcMainEvent, frame: unknown): void => {
    const entry = this.attached.get(event.sender.id);
    if (!entry || !this.isTrustedSender(event, entry.contents)) {
      console.warn(`[hearth] dropped an RPC frame from an untrusted sender (web contents ${event.sender.id}).`);
      return;
    }
    entry.session ??= new RpcSession(this.dispatcher, localOwner, (reply) => {
      if (!entry.contents.isDestroyed()) entry.contents.send(FRAME_CHANNEL, reply);
    });
    entry.session.receive(frame);
  };

  private isTrustedSender(event: IpcMainEvent, contents: WebContents): boolean {
    if (event.sender !== contents) return false;
    try {
      const frame = event.senderFrame;
      if (frame === null || frame.parent !== null) return false;
      const top = contents.mainFrame;
      if (frame.processId !== top.processId || frame.routingId !== top.routingId) return false;
      return this.origin.owns(frame.url);
    } catch (error) {
      // Electron throws when a frame was disposed mid-message; a frame that is gone cannot be trusted.
      console.warn('[hearth] could not inspect the sender frame of an RPC frame:', error);
      return false;
    }
  }

  private endSession(entry: Attached): void {
    entry.session?.dispose();
    entry.session = undefined;
  }
}
