/** The left column: where files come in, how far along they are, and what the space already holds. */
import { DocumentList } from './DocumentList.js';
import { DropZone } from './DropZone.js';
import { UploadList } from './UploadList.js';

export function LibraryColumn() {
  return (
    <section className="column library" aria-labelledby="library-title">
      <h2 id="library-title" className="column__title">
        Library
      </h2>
      <DropZone />
      <UploadList />
      <DocumentList />
    </section>
  );
}
