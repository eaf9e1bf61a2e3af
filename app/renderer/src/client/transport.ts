/** A transport moves validated frames between the client and the core; it knows nothing of methods. */
import type { ClientFrame, ServerFrame } from '../../../../schemas/index.js';

export interface Transport {
  send(frame: ClientFrame): void;
  /** Registers the one frame listener; returns a function that removes it. */
  onFrame(listener: (frame: ServerFrame) => void): () => void;
  /** Resolves once the transport can send. */
  ready(): Promise<void>;
  close(): void;
}
