/** Prepared statements, each prepared once per connection and kept (Renovate's rule: no SQL parsed twice). */
import type BetterSqlite3 from 'better-sqlite3';
import type { Database } from './db.js';

/** better-sqlite3's own default for a statement of unknown parameters */
export type Statement = BetterSqlite3.Statement<unknown[], unknown>;

export class Statements {
  private readonly cache = new Map<string, Statement>();

  constructor(readonly db: Database) {}

  get(sql: string): Statement {
    let statement = this.cache.get(sql);
    if (!statement) {
      statement = this.db.prepare<unknown[], unknown>(sql);
      this.cache.set(sql, statement);
    }
    return statement;
  }
}
