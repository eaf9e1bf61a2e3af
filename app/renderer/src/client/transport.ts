/** A transport moves validated frames between the client and the core; it knows nothing of methods. */
import type { ClientFrame, HearthError, ServerFrame } from '../../../../schemas/index.js';

export interface Transport {
  send(frame: ClientFrame): void;
  /** Registers the one frame listener; returns a function that removes it. */
  onFrame(listener: (frame: ServerFrame) => void): () => void;
  /** Resolves once the transport can send. */
  ready(): Promise<void>;
  /**
   * For a transport whose connection can drop and come back: calls `listener` at each drop, so the client fails
   * the requests in flight (the core lost them with the connection). Returns a function that removes it.
   */
  onDrop?(listener: (error: HearthError) => void): () => void;
  close(): void;
}
