/** The documents methods of the contract: listing a space's documents, adding, re-reading, deleting, and reading them. */
import { readFile } from 'node:fs/promises';
import { HearthError } from '../../../schemas/index.js';
import type { Documents, Replacements } from '../library/index.js';
import type { SomeHandlers } from '../rpc/index.js';
import type { BlobStore } from '../storage/index.js';
import type { Ingest } from './ingest.js';

export interface DocumentsHandlersDeps {
  ingest: Ingest;
  documents: Documents;
  replacements: Replacements;
  blobs: BlobStore;
}

type DocumentsMethod = 'documents.list' | 'documents.ingest' | 'documents.reingest' | 'documents.delete' | 'documents.original' | 'documents.text';

export function documentsHandlers({ ingest, documents, replacements, blobs }: DocumentsHandlersDeps): SomeHandlers<DocumentsMethod> {
  return {
    'documents.list': async ({ spaceId }) => documents.list(spaceId),
    'documents.ingest': async ({ spaceId, source, password, project }, { caller }) => {
      if (source.kind === 'path' && caller.principal.kind !== 'local-owner') {
        // A path is read from the server's own disk: only the person at that machine may name one.
        throw new HearthError('FORBIDDEN', 'Files on the server\'s disk can only be added by the person at it; upload the file instead.', { source: 'path' });
      }
      return ingest.add(caller, spaceId, source, { password, project });
    },
    'documents.reingest': ({ documentId, password }, { caller }) => ingest.reread(caller, documentId, { password }),
    'documents.delete': async ({ documentId }, { caller }) => {
      await ingest.remove(caller, documentId);
      return {};
    },
    // A citation keeps the id of the reading it was made from: these answer with the document that replaced it.
    'documents.original': async ({ documentId }) => {
      const document = replacements.current(documentId);
      const bytes = await readFile(blobs.pathOf(document.sha256));
      return { document, base64: bytes.toString('base64') };
    },
    'documents.text': async ({ documentId }) => {
      const document = replacements.current(documentId);
      return { document, text: documents.text(document.id) };
    },
  };
}
