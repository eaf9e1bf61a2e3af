/** The words the schema compiler and the schema checks share. */

/** A JSON Schema as parsed JSON (its dialect's rules are checked by ajv, not by this type). */
export type JsonSchema = Record<string, unknown>;

export interface SchemaProblem {
  /** JSON pointer into the schema; '' is the root. */
  pointer: string;
  keyword?: string;
  message: string;
}

export interface CompiledGrammar {
  /** GBNF for llama.cpp, root rule `root`: JSON text (no whitespace between tokens) that the schema accepts. */
  gbnf: string;
  /** What the grammar does not hold, left to validation: each keyword and where it is. */
  unsupported: SchemaProblem[];
}
