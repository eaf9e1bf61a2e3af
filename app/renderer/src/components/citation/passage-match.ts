/**
 * Which text items of a drawn page belong to a cited passage. The core's passage text is normalized
 * (whitespace, hyphenation), so items are compared normalized too; an item counts when its text occurs in
 * the passage. Very short items ("2", "a") occur in almost any passage, so they count only between
 * neighbours that do.
 */
const MIN_STANDALONE_LENGTH = 4;

export function normalizeForMatch(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/[\u00ad]/g, '')
    .replace(/[‐‑‒–—]/g, '-')
    .replace(/[‘’]/g, "'")
    .replace(/[“”]/g, '"')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}

/** Indexes of `items` whose text belongs to `passage`. */
export function itemsInPassage(items: ReadonlyArray<{ text: string }>, passage: string): number[] {
  const haystack = normalizeForMatch(passage);
  if (haystack === '') return [];
  const occurs = items.map((item) => {
    const needle = normalizeForMatch(item.text).replace(/-$/, '');
    return needle !== '' && haystack.includes(needle) ? needle.length : 0;
  });
  const strong = occurs.map((length) => length >= MIN_STANDALONE_LENGTH);
  const marked: number[] = [];
  occurs.forEach((length, index) => {
    if (length === 0) return;
    if (strong[index] || (strong[index - 1] && strong[index + 1])) marked.push(index);
  });
  return marked;
}
