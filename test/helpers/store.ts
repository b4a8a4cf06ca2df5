/** Read a store the way tests need to: rows and a canonical dump to prove "the store is unchanged". */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';

const require = createRequire(import.meta.url);
const Sqlite = require('better-sqlite3') as typeof BetterSqlite3;

export function withDb<T>(path: string, read: (db: BetterSqlite3.Database) => T): T {
  const db = new Sqlite(path, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 15000');
    return read(db);
  } finally {
    db.close();
  }
}

/** every table's rows, ordered: equal dumps mean an unchanged store */
export function dumpStore(path: string): string {
  if (!existsSync(path)) return '(no store)';
  return withDb(path, (db) => {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[];
    return JSON.stringify(
      tables.map(({ name }) => [name, db.prepare(`SELECT * FROM "${name}" ORDER BY rowid`).all()]),
    );
  });
}

export function jobRows(path: string): Record<string, unknown>[] {
  return withDb(path, (db) => db.prepare('SELECT * FROM jobs ORDER BY created_at, rowid').all() as Record<string, unknown>[]);
}
