/**
 * Which document replaced which: a re-read, or a changed file added again, stores a new reading under a new id,
 * while answers stored earlier keep citing the old one. This table lets those citations open the document that
 * stands for the old id now, instead of failing because the old row is gone.
 */
import { HearthError, type DocumentInfo } from '../../../schemas/index.js';
import type { Db } from '../storage/index.js';
import type { Documents } from './documents.js';

export class Replacements {
  constructor(
    private readonly db: Db,
    private readonly documents: Documents,
  ) {}

  /**
   * Records that `documentId` was replaced by `replacedBy`. Call inside the transaction that makes `replacedBy`
   * ready. Earlier readings replaced by `documentId` are moved on to `replacedBy` at the same time: the row of
   * `documentId` is deleted soon after, and the foreign key would otherwise take their rows with it.
   */
  record(documentId: string, replacedBy: string): void {
    if (documentId === replacedBy) return; // a document never replaces itself; a row would be a cycle
    this.db.prepare('UPDATE document_replacements SET replaced_by = ? WHERE replaced_by = ?').run(replacedBy, documentId);
    // The bytes a team member's upload counts towards their quota go on with the reading that stands for it (the
    // old row goes with the old document); a new upload of its own, settled later, sets its own size.
    this.db
      .prepare('UPDATE OR IGNORE uploaded_documents SET document_id = ? WHERE document_id = ?')
      .run(replacedBy, documentId);
    this.db
      .prepare('INSERT OR REPLACE INTO document_replacements (document_id, replaced_by, replaced_at) VALUES (?, ?, ?)')
      .run(documentId, replacedBy, new Date().toISOString());
  }

  /** The document recorded as replacing this one, if any (one step; see {@link current} for the whole chain). */
  replacedBy(documentId: string): string | undefined {
    const row = this.db.prepare('SELECT replaced_by FROM document_replacements WHERE document_id = ?').get(documentId) as { replaced_by: string } | undefined;
    return row?.replaced_by;
  }

  /**
   * The ready document that stands for `documentId` now: itself while it is in the library, else the newest reading
   * that replaced it (following a chain A → B → C). NOT_FOUND when it was deleted outright, or replaced by a document
   * that was.
   */
  current(documentId: string): DocumentInfo {
    // `record` keeps chains one step long, and a cycle cannot be recorded (each replacement is a new id); the
    // walk stops at a repeat anyway, so a hand-edited or damaged table cannot hang a request.
    const seen = new Set<string>();
    for (let id: string | undefined = documentId; id !== undefined && !seen.has(id); id = this.replacedBy(id)) {
      seen.add(id);
      const document = this.documents.findById(id);
      if (document) return document;
    }
    throw new HearthError(
      'NOT_FOUND',
      `Document ${documentId} was deleted from the library, so it can no longer be shown or read again. Refresh the document list, or add the file again.`,
      { documentId },
    );
  }
}
