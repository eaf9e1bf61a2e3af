/** JSON Pointers (RFC 6901), the one way Hearth names a place in a schema or in a value it checks. */

/** A key as a pointer segment: `~` as `~0`, `/` as `~1`. */
export function escapePointer(key: string): string {
  return key.replaceAll('~', '~0').replaceAll('/', '~1');
}

/** A segment of a pointer (as written in a `$ref`, maybe URI-encoded) back to its key. */
export function unescapePointer(part: string): string {
  return decodeURIComponent(part).replaceAll('~1', '/').replaceAll('~0', '~');
}

/** The pointer of a path of keys and indexes; `/` for the whole value. */
export function pointerOf(path: readonly PropertyKey[]): string {
  return path.length ? path.map((segment) => `/${escapePointer(String(segment))}`).join('') : '/';
}
