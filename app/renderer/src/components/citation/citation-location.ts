/** Where in its file a cited passage is, as the panel says it: "page 2", "sheet Q3, cells A1:B3", "slide 4". */
import type { Citation } from '../../../../../schemas/index.js';

export function describeLocation(citation: Citation): string | null {
  if (citation.page !== undefined) {
    return citation.pageEnd !== undefined && citation.pageEnd !== citation.page
      ? `pages ${citation.page}–${citation.pageEnd}`
      : `page ${citation.page}`;
  }
  if (citation.sheet !== undefined) return citation.cells ? `sheet ${citation.sheet}, cells ${citation.cells}` : `sheet ${citation.sheet}`;
  if (citation.cells !== undefined) return `cells ${citation.cells}`;
  if (citation.slide !== undefined) return `slide ${citation.slide}`;
  return null;
}
