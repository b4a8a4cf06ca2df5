/**
 * Opening the store: file created 0600 before SQLite touches it, WAL so readers never block the
 * writer, busy_timeout so concurrent `poll`s wait instead of failing with "database is locked".
 */
import { chmodSync, closeSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ConfigError } from '../errors.js';
import { fileFault, STORE_BUSY_MS, storeFault } from '../faults.js';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations.js';
import { openSqlite, type Database } from './sqlite.js';

export type { Database };

/** `busyMs`: how long to wait for another process's write lock (FEDIMPUTE_STORE_BUSY_MS in tests) */
export function openDatabase(path: string, migrations: readonly string[] = MIGRATIONS, warn?: (text: string) => void, busyMs = STORE_BUSY_MS): Database {
  if (path !== ':memory:') {
    try {
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      // create (or touch) with 0600 so the file is never world-readable, not even for an instant
      closeSync(openSync(path, 'a', 0o600));
    } catch (error) {
      throw placeFault(error, path);
    }
    keepPrivate(path, warn);
  }
  let db: Database;
  try {
    db = openSqlite(path);
    db.pragma(`busy_timeout = ${busyMs}`);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    // reads through a memory map: `jobs --json` of a large store reads megabytes of ready documents
    db.pragma('mmap_size = 67108864');
  } catch (error) {
    throw storeFault(error, path) ?? new ConfigError(`cannot open the job store ${path}: ${(error as Error).message}`, {
      hint: 'point --db or FEDIMPUTE_DB at a writable SQLite file',
      cause: error,
    });
  }
  try {
    migrate(db, path, migrations);
  } catch (error) {
    db.close();
    throw storeFault(error, path) ?? error;
  }
  return db;
}

/** the store's file or folder cannot be made: --db is a folder, unwritable, under a file, on a full disk */
function placeFault(error: unknown, path: string): Error {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  const hint = 'point --db or FEDIMPUTE_DB at a writable SQLite file';
  if (code === 'EISDIR')
    return new ConfigError(`the job store ${path} is a folder, not a file`, { hint: `point --db at a file, e.g. ${join(path, 'fedimpute.db')}` });
  if (code === 'ENOTDIR') return new ConfigError(`the job store ${path} cannot be created: a file is in the way of its folder`, { hint });
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS')
    return new ConfigError(`cannot create or open the job store ${path}: ${code === 'EROFS' ? 'read-only file system' : 'permission denied'}`, { hint });
  return fileFault(error) ?? error as Error;
}

/**
 * The store holds result passwords and remote job ids: a store (or its -wal/-shm, which SQLite creates with
 * the store's mode) found readable by group or others is tightened to 0600, with a warning. Before SQLite
 * opens it, so new -wal/-shm files inherit the private mode.
 */
function keepPrivate(path: string, warn?: (text: string) => void): void {
  const loosened: string[] = [];
  for (const file of [path, `${path}-wal`, `${path}-shm`]) {
    const mode = statSync(file, { throwIfNoEntry: false })?.mode;
    if (mode === undefined || (mode & 0o077) === 0) continue;
    try {
      chmodSync(file, 0o600);
      loosened.push(`${file} (was ${(mode & 0o777).toString(8).padStart(4, '0')})`);
    } catch {
      warn?.(`the job store file ${file} is readable by others (mode ${(mode & 0o777).toString(8).padStart(4, '0')}) and cannot be changed; run chmod 600 on it`);
    }
  }
  if (loosened.length > 0) warn?.(`the job store was readable by others; made it private (0600): ${loosened.join(', ')}`);
}

export function migrate(db: Database, path: string, migrations: readonly string[] = MIGRATIONS): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > migrations.length) {
    db.close();
    throw new ConfigError(
      `the job store ${path} was written by a newer fedimpute (schema ${version}, this one knows ${migrations.length})`,
      { hint: 'upgrade fedimpute (npm install -g fedimpute) or use another --db' },
    );
  }
  if (version === migrations.length) return;
  // BEGIN IMMEDIATE: two processes opening a fresh store at once must not both migrate
  db.transaction(() => {
    const current = db.pragma('user_version', { simple: true }) as number;
    for (let index = current; index < migrations.length; index++) db.exec(migrations[index]);
    db.pragma(`user_version = ${migrations.length}`);
  }).immediate();
}

export { SCHEMA_VERSION };

