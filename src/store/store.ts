/**
 * The store owns the SQL. Statements are prepared once; every child change, its job_events row and the
 * parent's re-aggregation happen in one synchronous transaction (no await inside: better-sqlite3
 * transactions are synchronous, which is what makes concurrent `poll` processes safe).
 */
import { TERMINAL, type ChildStatus } from '../adapters/types.js';
import { aggregate } from '../domain/aggregate.js';
import { UsageError } from '../errors.js';
import type BetterSqlite3 from 'better-sqlite3';
import { DownloadClaims } from './claims.js';
import { scrubbed, scrubbedText } from './scrub.js';
import type { Database } from './db.js';
import type { AttemptRow, DownloadRow, EventRow, JobRow, SubmitState } from './rows.js';

export type NewJob = Pick<JobRow, 'id' | 'name'> &
  Partial<Omit<JobRow, 'id' | 'name' | 'created_at' | 'updated_at' | 'settled' | 'attempt'>>;

export type ChildPatch = Partial<
  Pick<
    JobRow,
    | 'remote_job_id'
    | 'status'
    | 'remote_state'
    | 'progress'
    | 'queue_position'
    | 'step'
    | 'message'
    | 'last_error'
    | 'submit_state'
    | 'submitted_at'
    | 'results_expire_at'
    | 'cancel_requested_at'
    | 'lease_until'
    | 'lease_owner'
    | 'result_password'
  >
>;

export interface ChildChange {
  before: JobRow;
  after: JobRow;
  parentBefore: JobRow;
  parentAfter: JobRow;
}

const RANK: Record<ChildStatus, number> = { queued: 0, running: 1, completed: 2, failed: 2, canceled: 2 };

export class Store {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  private fileClaims?: DownloadClaims;
  private readonly statements = new Map<string, BetterSqlite3.Statement<any[], unknown>>();

  constructor(
    readonly db: Database,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  private statement(sql: string): BetterSqlite3.Statement<any[], unknown> {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  private now(): string {
    return this.clock().toISOString();
  }

  close(): void {
    this.db.close();
  }

  /** claims on result files, for concurrent `download` runs */
  get claims(): DownloadClaims {
    this.fileClaims ??= new DownloadClaims(this.db, this.clock);
    return this.fileClaims;
  }

  /** A parent and its children, recorded before anything is uploaded. */
  insertParent(parent: NewJob, children: NewJob[]): void {
    const now = this.now();
    const insert = (job: NewJob, status: ChildStatus) => {
      const row: Record<string, unknown> = scrubbed({ status, progress: 0, ...job, created_at: now, updated_at: now }, job.result_password);
      const columns = Object.keys(row);
      this.statement(
        `INSERT INTO jobs (${columns.join(', ')}) VALUES (${columns.map((column) => `@${column}`).join(', ')})`,
      ).run(row);
      this.appendEvent(job.id, null, String(row.status), 'created');
    };
    this.db.transaction(() => {
      insert({ ...parent, parent_job_id: null }, 'queued');
      for (const child of children) insert({ ...child, parent_job_id: parent.id }, child.status ?? 'queued');
      this.reaggregate(parent.id);
    })();
  }

  get(id: string): JobRow | undefined {
    return this.statement('SELECT * FROM jobs WHERE id = ?').get(id) as JobRow | undefined;
  }

  listParents(filter: { status?: string; limit?: number } = {}): JobRow[] {
    const where = filter.status ? 'AND status = @status' : '';
    return this.statement(
      `SELECT * FROM jobs WHERE parent_job_id IS NULL ${where} ORDER BY created_at DESC, rowid DESC LIMIT @limit`,
    ).all({ status: filter.status ?? null, limit: filter.limit ?? -1 }) as JobRow[];
  }

  children(parentId: string): JobRow[] {
    return this.statement('SELECT * FROM jobs WHERE parent_job_id = ? ORDER BY service_id, rowid').all(
      parentId,
    ) as JobRow[];
  }

  /** children of many parents in one query, grouped by parent id */
  childrenOf(parentIds: readonly string[]): Map<string, JobRow[]> {
    const groups = new Map<string, JobRow[]>(parentIds.map((id) => [id, []]));
    if (parentIds.length === 0) return groups;
    const rows = this.statement(
      `SELECT * FROM jobs WHERE parent_job_id IN (SELECT value FROM json_each(?)) ORDER BY service_id, rowid`,
    ).all(JSON.stringify(parentIds)) as JobRow[];
    for (const row of rows) groups.get(row.parent_job_id!)?.push(row);
    return groups;
  }

  unsettledParents(): JobRow[] {
    return this.statement(
      'SELECT * FROM jobs WHERE parent_job_id IS NULL AND settled = 0 ORDER BY created_at, rowid',
    ).all() as JobRow[];
  }

  /** `last`, a full id, or a unique prefix of at least 4 characters */
  resolveParent(reference: string): JobRow {
    if (reference === 'last') {
      const [newest] = this.listParents({ limit: 1 });
      if (!newest) throw new UsageError('there are no jobs yet', { hint: 'submit one with `fedimpute submit`' });
      return newest;
    }
    if (reference.length < 4) {
      throw new UsageError(`job id '${reference}' is too short`, { hint: 'give at least 4 characters, or `last`' });
    }
    const matches = this.statement(
      'SELECT * FROM jobs WHERE parent_job_id IS NULL AND id LIKE ? ESCAPE \'\\\' ORDER BY created_at LIMIT 6',
    ).all(`${reference.replace(/[\\%_]/g, '\\$&')}%`) as JobRow[];
    if (matches.length === 0) {
      throw new UsageError(`no parent job matches '${reference}'`, { hint: 'list jobs with `fedimpute jobs`' });
    }
    if (matches.length > 1) {
      const ids = matches.slice(0, 5).map((job) => job.id.slice(0, 8));
      throw new UsageError(`job id '${reference}' is ambiguous: it matches ${ids.join(', ')}${matches.length > 5 ? ', …' : ''}`, {
        hint: 'give more characters of the id',
      });
    }
    return matches[0];
  }

  /** a child of `parent` by id prefix (≥4), or a service slug / id */
  resolveChild(parent: JobRow, reference: string): JobRow {
    const children = this.children(parent.id);
    const matches = children.filter(
      (child) =>
        (reference.length >= 4 && child.id.startsWith(reference)) ||
        child.service_slug === reference ||
        String(child.service_id) === reference,
    );
    if (matches.length === 1) return matches[0];
    if (matches.length === 0) {
      throw new UsageError(`job ${parent.id.slice(0, 8)} has no child '${reference}'`, {
        hint: 'give a child id prefix or a service slug shown by `fedimpute status`',
      });
    }
    throw new UsageError(`child '${reference}' is ambiguous in job ${parent.id.slice(0, 8)}`, {
      hint: 'give more characters of the child id',
    });
  }

  /**
   * Apply a change to a child, append a job_events row when its status changes, and re-aggregate the
   * parent, all in one transaction. A terminal child does not move backwards (a slower concurrent poll
   * may carry older news) unless `reopen` is set (retry).
   */
  updateChild(id: string, patch: ChildPatch, options: { event?: string; reopen?: boolean } = {}): ChildChange {
    return this.db.transaction(() => {
      const before = this.get(id);
      if (!before || !before.parent_job_id) throw new Error(`unknown child ${id}`);
      const parentBefore = this.get(before.parent_job_id)!;
      const next: Record<string, unknown> = scrubbed(patch, patch.result_password ?? before.result_password);
      if (patch.status && !options.reopen && RANK[patch.status] < RANK[before.status]) delete next.status;
      if (patch.status && TERMINAL.has(before.status) && patch.status !== before.status && !options.reopen)
        delete next.status;
      const status = (next.status as ChildStatus | undefined) ?? before.status;
      const now = this.now();
      if (status !== 'queued' && !before.started_at && status !== 'canceled' && status !== 'failed')
        next.started_at = now;
      if (status === 'running' && !before.started_at) next.started_at = now;
      if (TERMINAL.has(status) && !TERMINAL.has(before.status)) next.completed_at = now;
      if (options.reopen) {
        next.completed_at = null;
        next.started_at = null;
      }
      next.updated_at = now;
      const columns = Object.keys(next);
      this.statement(`UPDATE jobs SET ${columns.map((column) => `${column} = @${column}`).join(', ')} WHERE id = @id`).run({
        ...next,
        id,
      });
      if (status !== before.status) this.appendEvent(id, before.status, status, options.event ?? patch.message ?? null);
      this.reaggregate(before.parent_job_id);
      return { before, after: this.get(id)!, parentBefore, parentAfter: this.get(before.parent_job_id)! };
    }).immediate();
  }

  private reaggregate(parentId: string): void {
    const parent = this.get(parentId)!;
    const children = this.children(parentId);
    const result = aggregate(children);
    const started = children.map((child) => child.started_at).filter(Boolean).sort()[0] ?? null;
    const ended = result.settled
      ? (children.map((child) => child.completed_at).filter(Boolean).sort().at(-1) ?? this.now())
      : null;
    const settled = result.settled ? 1 : 0;
    if (
      parent.status === result.status &&
      parent.progress === result.progress &&
      parent.message === result.summary &&
      parent.settled === settled &&
      parent.started_at === started &&
      parent.completed_at === ended
    )
      return;
    this.statement(
      `UPDATE jobs SET status = @status, progress = @progress, message = @message, settled = @settled,
         started_at = @started, completed_at = @ended, updated_at = @now WHERE id = @id`,
    ).run({ id: parentId, status: result.status, progress: result.progress, message: result.summary, settled, started, ended, now: this.now() });
    if (parent.status !== result.status) this.appendEvent(parentId, parent.status, result.status, result.summary);
  }

  private appendEvent(jobId: string, from: string | null, to: string, message: string | null): void {
    this.statement('INSERT INTO job_events (job_id, at, from_status, to_status, message) VALUES (?, ?, ?, ?, ?)').run(
      jobId,
      this.now(),
      from,
      to,
      scrubbedText(message),
    );
  }

  events(jobId: string): EventRow[] {
    return this.statement('SELECT * FROM job_events WHERE job_id = ? ORDER BY id').all(jobId) as EventRow[];
  }

  /**
   * Take the right to submit a child. Succeeds for pending / waiting-slot / unconfirmed children and for
   * a 'submitting' child whose owner is gone (lease expired or process dead). Returns the state it had.
   */
  claimSubmission(
    id: string,
    owner: string,
    leaseMs: number,
    ownerAlive: (owner: string) => boolean,
  ): { claimed: boolean; previous: SubmitState | null } {
    return this.db.transaction(() => {
      const row = this.get(id);
      if (!row || row.remote_job_id || TERMINAL.has(row.status)) return { claimed: false, previous: row?.submit_state ?? null };
      const previous = row.submit_state;
      const free = previous === 'pending' || previous === 'waiting-slot' || previous === 'unconfirmed' || previous === null;
      const abandoned =
        previous === 'submitting' &&
        (!row.lease_owner || !ownerAlive(row.lease_owner) || (row.lease_until ?? '') < this.now());
      if (!free && !abandoned) return { claimed: false, previous };
      const until = new Date(this.clock().getTime() + leaseMs).toISOString();
      this.statement(
        `UPDATE jobs SET submit_state = 'submitting', lease_owner = ?, lease_until = ?, updated_at = ? WHERE id = ?`,
      ).run(owner, until, this.now(), id);
      return { claimed: true, previous: abandoned ? 'unconfirmed' : previous };
    }).immediate();
  }

  /** children of ours holding a slot on a service: accepted remotely and not finished, or being uploaded */
  activeRemoteJobs(serviceId: number, exceptId: string): number {
    const row = this.statement(
      `SELECT COUNT(*) AS count FROM jobs WHERE service_id = ? AND id != ? AND parent_job_id IS NOT NULL
         AND status IN ('queued', 'running') AND (remote_job_id IS NOT NULL OR submit_state = 'submitting')`,
    ).get(serviceId, exceptId) as { count: number };
    return row.count;
  }

  /** the unfinished children (of any parent) that hold one of this service's slots, with their remote ids */
  slotHolders(serviceId: number): JobRow[] {
    return this.statement(
      `SELECT * FROM jobs WHERE service_id = ? AND parent_job_id IS NOT NULL AND status IN ('queued', 'running')
         AND remote_job_id IS NOT NULL ORDER BY created_at, rowid`,
    ).all(serviceId) as JobRow[];
  }

  renewLease(id: string, owner: string, leaseMs: number): void {
    const until = new Date(this.clock().getTime() + leaseMs).toISOString();
    this.statement(`UPDATE jobs SET lease_until = ? WHERE id = ? AND lease_owner = ? AND submit_state = 'submitting'`).run(
      until,
      id,
      owner,
    );
  }

  /** Start another attempt of a failed or canceled child; the old one goes to job_attempts. */
  reopenForRetry(id: string): ChildChange {
    return this.db.transaction(() => {
      const row = this.get(id)!;
      this.statement(
        `INSERT OR REPLACE INTO job_attempts (job_id, attempt, remote_job_id, status, message, submitted_at, ended_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ).run(row.id, row.attempt, row.remote_job_id, row.status, row.last_error ?? row.message, row.submitted_at, row.completed_at);
      this.statement(`UPDATE jobs SET attempt = attempt + 1 WHERE id = ?`).run(id);
      return this.updateChild(
        id,
        {
          status: 'queued',
          remote_job_id: null,
          remote_state: null,
          progress: 0,
          queue_position: null,
          step: null,
          message: null,
          last_error: null,
          submit_state: 'pending',
          submitted_at: null,
          cancel_requested_at: null,
          results_expire_at: null,
          lease_owner: null,
          lease_until: null,
        },
        { reopen: true, event: `retry (attempt ${row.attempt + 1})` },
      );
    }).immediate();
  }

  /** the inputs' record (with sha256, known once hashed) on the parent and every child, in one transaction */
  setInputs(parentId: string, inputs: string): void {
    this.db.transaction(() => {
      this.statement('UPDATE jobs SET input_files = ? WHERE id = ? OR parent_job_id = ?').run(inputs, parentId, parentId);
    }).immediate();
  }

  attempts(id: string): AttemptRow[] {
    return this.statement('SELECT * FROM job_attempts WHERE job_id = ? ORDER BY attempt').all(id) as AttemptRow[];
  }

  downloads(jobId: string): DownloadRow[] {
    return this.statement('SELECT * FROM downloads WHERE job_id = ? ORDER BY name').all(jobId) as DownloadRow[];
  }

  /** a file that turned out unusable (a corrupt zip): the next download fetches it again */
  forgetDownload(jobId: string, name: string): void {
    this.statement('DELETE FROM downloads WHERE job_id = ? AND name = ?').run(jobId, name);
  }

  recordDownload(row: Omit<DownloadRow, 'completed_at'>): void {
    this.statement(
      `INSERT OR REPLACE INTO downloads (job_id, name, path, size, sha256, completed_at) VALUES (@job_id, @name, @path, @size, @sha256, @completed_at)`,
    ).run(scrubbed({ ...row, completed_at: this.now() }));
  }
}
