/**
 * A first look at edited tool arguments before they go back to the core: the JSON must parse, and its shape
 * must fit the tool's JSON Schema as far as a quick look can tell (the type at the top, required fields, the
 * type of each known field, enum values). The core validates them fully with the tool's own schema; this only
 * spares a round trip for the mistakes a person makes while typing.
 */

export type ArgumentCheck = { ok: true; value: unknown } | { ok: false; problems: string[] };

type Schema = Record<string, unknown>;

export function checkArguments(text: string, schema: Schema): ArgumentCheck {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, problems: [`Not JSON: ${error instanceof Error ? error.message : String(error)}`] };
  }
  const problems = problemsOf(value, schema, '');
  return problems.length === 0 ? { ok: true, value } : { ok: false, problems };
}

function problemsOf(value: unknown, schema: Schema, pointer: string): string[] {
  const where = pointer === '' ? 'the arguments' : pointer;
  const expected = schema['type'];
  if (typeof expected === 'string' && !hasType(value, expected)) return [`${where}: expected ${expected}, got ${typeName(value)}`];
  if ('const' in schema && schema['const'] !== value) return [`${where}: must be ${JSON.stringify(schema['const'])}`];
  const branches = Array.isArray(schema['anyOf']) ? (schema['anyOf'] as unknown[]).filter(isObject) : [];
  if (branches.length > 0) {
    // A union (the tasks tool's actions): fine when one branch fits; otherwise the branch whose constants the
    // value matches (its `action`) says what is wrong, or failing that the branch with the fewest problems.
    const tried = branches.map((branch) => ({ problems: problemsOf(value, branch, pointer), meant: constantsMatch(value, branch) }));
    if (tried.some((attempt) => attempt.problems.length === 0)) return [];
    const meant = tried.find((attempt) => attempt.meant);
    return (meant ?? tried.reduce((fewest, attempt) => (attempt.problems.length < fewest.problems.length ? attempt : fewest))).problems;
  }
  const allowed = schema['enum'];
  if (Array.isArray(allowed) && !allowed.some((option) => option === value)) return [`${where}: must be one of ${allowed.map((option) => JSON.stringify(option)).join(', ')}`];
  if (!isObject(value)) return [];
  const problems: string[] = [];
  const required = Array.isArray(schema['required']) ? (schema['required'] as unknown[]) : [];
  for (const name of required) if (typeof name === 'string' && !(name in value)) problems.push(`${pointer}/${name}: required`);
  const properties = isObject(schema['properties']) ? schema['properties'] : {};
  for (const [name, field] of Object.entries(value)) {
    const fieldSchema = properties[name];
    if (isObject(fieldSchema)) problems.push(...problemsOf(field, fieldSchema, `${pointer}/${name}`));
  }
  return problems;
}

/** Whether every field the branch fixes to a constant has that value (and it fixes at least one). */
function constantsMatch(value: unknown, branch: Schema): boolean {
  if (!isObject(value) || !isObject(branch['properties'])) return false;
  const fixed = Object.entries(branch['properties']).filter(([, field]) => isObject(field) && 'const' in field);
  return fixed.length > 0 && fixed.every(([name, field]) => value[name] === (field as Schema)['const']);
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case 'object':
      return isObject(value);
    case 'array':
      return Array.isArray(value);
    case 'integer':
      return Number.isInteger(value);
    case 'number':
      return typeof value === 'number';
    case 'null':
      return value === null;
    default:
      return typeof value === type;
  }
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'array' : typeof value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
