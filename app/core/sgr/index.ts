/**
 * Schema-guided generation: JSON Schemas checked and validated (ajv), compiled to GBNF grammars for the
 * local model's constrained decoding, and the pipeline that drafts, validates and repairs structured output.
 */
export type { CompiledGrammar, JsonSchema, SchemaProblem } from './grammar/types.js';
export { compileJsonSchemaGrammar } from './grammar/compile.js';
export { checkJsonSchema, defaultSchemaLimits, jsonValidator, type ValidationIssue } from './json-schema.js';
export {
  generateStructured,
  outputCheckOf,
  zodIssueText,
  type OutputCheck,
  type StructuredRequest,
  type StructuredResult,
  type StructuredSchema,
  type StructuredStep,
  type Verdict,
} from './structured-output.js';
export { describeFields, withSchemaNote } from './schema-prompt.js';
export { inSchemaOrder } from './grammar/order.js';
export { escapePointer, pointerOf, unescapePointer } from './json-pointer.js';
