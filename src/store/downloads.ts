/**
 * Result files: what was downloaded (`downloads`, with size and sha256) and who is downloading what
 * (`download_claims`), so that two `download` runs of one parent never fetch the same file twice: a
 * Michigan server counts every GET against the file's few downloads. Same lease rules as submission:
 * a claim of a dead local process or an expired one can be taken over.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { Database } from './db.js';
import type { DownloadRow } from './rows.js';
import { scrubbed } from './scrub.js';
import type { Statements } from './statements.js';

export class Downloads {
  constructor(
    private readonly statements: Statements,
    private readonly now: () => string,
  ) {}

  list(jobId: string): DownloadRow[] {
    return this.statements.get('SELECT * FROM downloads WHERE job_id = ? ORDER BY name').all(jobId) as DownloadRow[];
  }

  record(row: Omit<DownloadRow, 'completed_at'>): void {
    this.statements
      .get(
        `INSERT OR REPLACE INTO downloads (job_id, name, path, size, sha256, completed_at)
         VALUES (@job_id, @name, @path, @size, @sha256, @completed_at)`,
      )
      .run(scrubbed({ ...row, completed_at: this.now() }));
  }

  /** a file that turned out unusable (a corrupt zip): the next download fetches it again */
  forget(jobId: string, name: string): void {
    this.statements.get('DELETE FROM downloads WHERE job_id = ? AND name = ?').run(jobId, name);
  }
}

export class DownloadClaims {
  private readonly take: BetterSqlite3.Statement<[string, string, string, string, string, string]>;
  private readonly current: BetterSqlite3.Statement<[string, string], { owner: string; until: string } | undefined>;
  private readonly renewal: BetterSqlite3.Statement<[string, string, string, string]>;
  private readonly release: BetterSqlite3.Statement<[string, string, string]>;

  constructor(
    private readonly db: Database,
    private readonly clock: () => Date,
  ) {
    this.take = db.prepare(
      `INSERT INTO download_claims (job_id, name, owner, until) VALUES (?, ?, ?, ?)
       ON CONFLICT (job_id, name) DO UPDATE SET owner = excluded.owner, until = excluded.until
       WHERE download_claims.owner = ? OR download_claims.until < ?`,
    );
    this.current = db.prepare('SELECT owner, until FROM download_claims WHERE job_id = ? AND name = ?');
    this.renewal = db.prepare('UPDATE download_claims SET until = ? WHERE job_id = ? AND name = ? AND owner = ?');
    this.release = db.prepare('DELETE FROM download_claims WHERE job_id = ? AND name = ? AND owner = ?');
  }

  /** true when `owner` now holds the file; a dead holder's claim is taken over */
  claim(jobId: string, name: string, owner: string, leaseMs: number, ownerAlive: (owner: string) => boolean): boolean {
    return this.db.transaction(() => {
      const now = this.clock();
      const held = this.current.get(jobId, name);
      // a holder that died (SIGKILL) frees the file at once: treat its claim as expired
      const expiredBefore = held && !ownerAlive(held.owner) ? '9999' : now.toISOString();
      const until = new Date(now.getTime() + leaseMs).toISOString();
      return this.take.run(jobId, name, owner, until, owner, expiredBefore).changes > 0;
    }).immediate();
  }

  renew(jobId: string, name: string, owner: string, leaseMs: number): void {
    this.renewal.run(new Date(this.clock().getTime() + leaseMs).toISOString(), jobId, name, owner);
  }

  drop(jobId: string, name: string, owner: string): void {
    this.release.run(jobId, name, owner);
  }
}
