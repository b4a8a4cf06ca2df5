import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqlite } from '../../src/store/sqlite.js';

const require = createRequire(import.meta.url);
const folder = mkdtempSync(join(tmpdir(), 'fedimpute-sqlite-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('the store opens better-sqlite3 without its index (src/store/sqlite.ts)', () => {
  it('is written against the pinned major version: an upgrade must re-read lib/database.js', () => {
    const { version } = require('better-sqlite3/package.json') as { version: string };
    expect(version.split('.')[0]).toBe('12');
  });

  it('prepares, runs, pragmas and transactions as the library does, with its SqliteError', () => {
    const db = openSqlite(join(folder, 'a.db'));
    expect(db.pragma('journal_mode = WAL', { simple: true })).toBe('wal');
    db.exec('CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER)');
    const insert = db.prepare('INSERT INTO t VALUES (?, ?)');
    const many = db.transaction((rows: [string, number][]) => rows.forEach((row) => insert.run(...row)));
    many([['a', 1], ['b', 2]]);
    expect(db.prepare('SELECT sum(v) FROM t').pluck().get()).toBe(3);
    expect(() => insert.run('a', 3)).toThrow(expect.objectContaining({ name: 'SqliteError', code: 'SQLITE_CONSTRAINT_PRIMARYKEY' }));
    expect(() => many([['c', 4], ['a', 5]])).toThrow();
    expect(db.prepare('SELECT count(*) FROM t').pluck().get()).toBe(2);
    expect(db.inTransaction).toBe(false);
    expect(db.name).toBe(join(folder, 'a.db'));
    db.close();
    expect(db.open).toBe(false);
  });
});
