/**
 * Reading parents, children and their history: all `status`, `jobs` and id resolution need. Kept apart
 * from the writes (jobs.ts) so that those read-only commands load no more than this on their start-up
 * budget (DESIGN §7).
 */
import type { AttemptRow, DownloadRow, EventRow, JobRow } from './rows.js';
import type { Statements } from './statements.js';

export class JobReader {
  constructor(protected readonly statements: Statements) {}

  get(id: string): JobRow | undefined {
    return this.statements.get('SELECT * FROM jobs WHERE id = ?').get(id) as JobRow | undefined;
  }

  listParents(filter: { status?: string; limit?: number } = {}): JobRow[] {
    const where = filter.status ? 'AND status = @status' : '';
    return this.statements
      .get(`SELECT * FROM jobs WHERE parent_job_id IS NULL ${where} ORDER BY created_at DESC, rowid DESC LIMIT @limit`)
      .all({ status: filter.status ?? null, limit: filter.limit ?? -1 }) as JobRow[];
  }

  /** parents whose id starts with `prefix`, oldest first, at most `limit` */
  parentsByPrefix(prefix: string, limit: number): JobRow[] {
    return this.statements
      .get("SELECT * FROM jobs WHERE parent_job_id IS NULL AND id LIKE ? ESCAPE '\\' ORDER BY created_at LIMIT ?")
      .all(`${prefix.replace(/[\\%_]/g, '\\$&')}%`, limit) as JobRow[];
  }

  children(parentId: string): JobRow[] {
    return this.statements.get('SELECT * FROM jobs WHERE parent_job_id = ? ORDER BY service_id, rowid').all(parentId) as JobRow[];
  }

  /** children of many parents in one query, grouped by parent id */
  childrenOf(parentIds: readonly string[]): Map<string, JobRow[]> {
    const groups = new Map<string, JobRow[]>(parentIds.map((id) => [id, []]));
    if (parentIds.length === 0) return groups;
    const rows = this.statements
      .get('SELECT * FROM jobs WHERE parent_job_id IN (SELECT value FROM json_each(?)) ORDER BY service_id, rowid')
      .all(JSON.stringify(parentIds)) as JobRow[];
    for (const row of rows) groups.get(row.parent_job_id!)?.push(row);
    return groups;
  }

  unsettledParents(): JobRow[] {
    return this.statements.get('SELECT * FROM jobs WHERE parent_job_id IS NULL AND settled = 0 ORDER BY created_at, rowid').all() as JobRow[];
  }

  /** the files `download` recorded for these jobs */
  downloadsOf(jobIds: readonly string[]): DownloadRow[] {
    return this.statements
      .get('SELECT * FROM downloads WHERE job_id IN (SELECT value FROM json_each(?)) ORDER BY job_id, name')
      .all(JSON.stringify(jobIds)) as DownloadRow[];
  }

  attempts(id: string): AttemptRow[] {
    return this.statements.get('SELECT * FROM job_attempts WHERE job_id = ? ORDER BY attempt').all(id) as AttemptRow[];
  }

  events(jobId: string): EventRow[] {
    return this.statements.get('SELECT * FROM job_events WHERE job_id = ? ORDER BY id').all(jobId) as EventRow[];
  }

  /**
   * How old the news of a parent's unfinished children is: the oldest time a service last answered about
   * one of them (or, never asked, when it was last written). Null when every child has finished.
   */
  checkedAt(parentId: string): string | null {
    const row = this.statements
      .get(
        `SELECT min(coalesce(checks.checked_at, job.updated_at)) AS at FROM jobs AS job LEFT JOIN job_checks AS checks ON checks.job_id = job.id
         WHERE job.parent_job_id = ? AND job.status IN ('queued', 'running')`,
      )
      .get(parentId) as { at: string | null } | undefined;
    return row?.at ?? null;
  }

  /** when each job entered its current status (its last status-changing event) */
  statusSince(jobIds: readonly string[]): Map<string, string> {
    const rows = this.statements
      .get(
        `SELECT job_id, max(at) AS at FROM job_events
         WHERE job_id IN (SELECT value FROM json_each(?)) AND (from_status IS NULL OR from_status != to_status) GROUP BY job_id`,
      )
      .all(JSON.stringify(jobIds)) as { job_id: string; at: string }[];
    return new Map(rows.map((row) => [row.job_id, row.at]));
  }
}
