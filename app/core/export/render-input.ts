/** What a renderer is given: the template, the validated value, the passages it cites, the report it is. */
import type { Evidence } from '../../../schemas/index.js';

export interface RenderInput {
  template: { id: string; name: string; builtIn: boolean };
  /** The validated object: typed by schemas/reports for Hearth's templates, any JSON for a user's. */
  value: unknown;
  /** The passages retrieved for the report, by the numbers its citations use. */
  evidence: Evidence[];
  report: { id: string; title: string; request: string; createdAt: string; extractive: boolean; model?: string };
}

export interface RenderedFile {
  bytes: Uint8Array;
  fileName: string;
  mediaType: string;
}
