/** What a renderer is given: the template, the validated value, the passages it cites, the report it is. */
import type { Evidence } from '../../../schemas/index.js';
import type { ClaimCheck } from './claim-marks.js';

export interface RenderInput {
  template: { id: string; name: string; builtIn: boolean };
  /** The validated object: typed by schemas/reports for Hearth's templates, any JSON for a user's. */
  value: unknown;
  /** The passages retrieved for the report, by the numbers its citations use. */
  evidence: Evidence[];
  report: { id: string; title: string; request: string; createdAt: string; extractive: boolean; model?: string };
  /** The Guard's verdicts on the report's cited statements (see `citedStatements`): unsupported ones carry a note. */
  claimChecks?: ClaimCheck[] | undefined;
}

export interface RenderedFile {
  bytes: Uint8Array;
  fileName: string;
  mediaType: string;
}
