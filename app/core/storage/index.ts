/** Storage: the SQLite database (WAL, migrations) and the content-addressed store of original files. */
export { openDatabase, migrate, type Db } from './database.js';
export { migrations, type Migration } from './migrations.js';
export { BlobStore } from './blob-store.js';
export { Settings } from './settings.js';
export { DataLock } from './data-lock.js';
