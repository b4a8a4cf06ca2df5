/**
 * Parents and children (the `jobs` table) and their history (`job_events`). Every child change, its event
 * and the parent's re-aggregation happen in one synchronous transaction (no await inside: better-sqlite3
 * transactions are synchronous, which is what makes concurrent `poll` processes safe). What changes is
 * decided by domain/transition.ts and domain/aggregate.ts; this file only persists it.
 */
import { reaggregate } from '../domain/aggregate.js';
import { typicalRunMs } from '../domain/estimate.js';
import { changeFromEvent, type Change, type EventWithJob } from '../domain/change.js';
import type { ChildPatch } from '../domain/job.js';
import type { ChildStatus, SubmitState } from '../domain/status.js';
import { creationEvent, transition, type EventDraft, type TransitionOptions } from '../domain/transition.js';
import { JobReader } from './reader.js';
import type { JobRow } from './rows.js';
import { scrubbed, scrubbedText } from './scrub.js';
import type { Statements } from './statements.js';

export type NewJob = Pick<JobRow, 'id' | 'name'> &
  Partial<Omit<JobRow, 'id' | 'name' | 'created_at' | 'updated_at' | 'settled' | 'attempt'>>;

export type { ChildPatch };

export interface ChildChange {
  before: JobRow;
  after: JobRow;
  parentBefore: JobRow;
  parentAfter: JobRow;
  /** ids of the job_events rows this change appended (child's, then parent's) */
  events: number[];
}

/** the reads of JobReader, and every write: parents and children recorded, child changes, retries */
export class Jobs extends JobReader {
  /** ids of the events this connection appended, in order: a command reads its own Changes from them */
  private readonly appended: number[] = [];

  constructor(
    statements: Statements,
    private readonly now: () => string,
  ) {
    super(statements);
  }

  private get db() {
    return this.statements.db;
  }

  /** A parent and its children, recorded before anything is uploaded. */
  insertParent(parent: NewJob, children: NewJob[]): void {
    const now = this.now();
    const insert = (job: NewJob, status: ChildStatus) => {
      const row: Record<string, unknown> = scrubbed({ status, progress: 0, ...job, created_at: now, updated_at: now }, job.result_password);
      const columns = Object.keys(row);
      this.statements
        .get(`INSERT INTO jobs (${columns.join(', ')}) VALUES (${columns.map((column) => `@${column}`).join(', ')})`)
        .run(row);
      this.appendEvent(job.id, creationEvent(this.get(job.id)!));
    };
    this.db.transaction(() => {
      insert({ ...parent, parent_job_id: null }, 'queued');
      for (const child of children) insert({ ...child, parent_job_id: parent.id }, child.status ?? 'queued');
      this.reaggregate(parent.id);
    })();
  }

  /**
   * Apply a change to a child as domain/transition.ts decides it (a terminal child does not move backwards
   * unless reopened), append its event, and re-aggregate the parent: one transaction.
   */
  updateChild(id: string, patch: ChildPatch, options: TransitionOptions = {}): ChildChange {
    return this.db.transaction(() => {
      const before = this.get(id);
      if (!before || !before.parent_job_id) throw new Error(`unknown child ${id}`);
      const parentBefore = this.get(before.parent_job_id)!;
      const decided = transition(before, scrubbed(patch, patch.result_password ?? before.result_password), this.now(), options, this.lastSubmitNews(id));
      const columns = Object.keys(decided.columns);
      this.statements
        .get(`UPDATE jobs SET ${columns.map((column) => `${column} = @${column}`).join(', ')} WHERE id = @id`)
        .run({ ...decided.columns, id });
      const events = decided.event ? [this.appendEvent(id, decided.event)] : [];
      events.push(...this.reaggregate(before.parent_job_id));
      return { before, after: this.get(id)!, parentBefore, parentAfter: this.get(before.parent_job_id)!, events };
    }).immediate();
  }

  /** Start another attempt of a failed or canceled child; the old one goes to job_attempts. */
  reopenForRetry(id: string): ChildChange {
    return this.db.transaction(() => {
      const row = this.get(id)!;
      this.statements
        .get(
          `INSERT OR REPLACE INTO job_attempts (job_id, attempt, remote_job_id, status, message, submitted_at, ended_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(row.id, row.attempt, row.remote_job_id, row.status, row.last_error ?? row.message, row.submitted_at, row.completed_at);
      this.statements.get('UPDATE jobs SET attempt = attempt + 1 WHERE id = ?').run(id);
      return this.updateChild(
        id,
        {
          status: 'queued', remote_job_id: null, remote_state: null, progress: 0, queue_position: null, step: null, message: null,
          last_error: null, submit_state: 'pending', submitted_at: null, cancel_requested_at: null, results_expire_at: null,
          lease_owner: null, lease_until: null,
        },
        { reopen: true, reason: `retry (attempt ${row.attempt + 1})` },
      );
    }).immediate();
  }

  /** the inputs' record (JSON, with sha256 once hashed) on the parent and every child, in one transaction */
  setInputs(parentId: string, inputs: string): void {
    this.db.transaction(() => {
      this.statements.get('UPDATE jobs SET input_files = ? WHERE id = ? OR parent_job_id = ?').run(inputs, parentId, parentId);
    }).immediate();
  }

  /** how long this service's last completed runs took (median of the last 20, ms): domain/estimate.ts */
  typicalRunMs(serviceId: number): number {
    const rows = this.statements
      .get(
        `SELECT (julianday(completed_at) - julianday(started_at)) * 86400000 AS ms FROM jobs
         WHERE service_id = ? AND status = 'completed' AND started_at IS NOT NULL AND completed_at IS NOT NULL
         ORDER BY completed_at DESC LIMIT 20`,
      )
      .all(serviceId) as { ms: number }[];
    return typicalRunMs(rows.map((row) => row.ms));
  }

  /** a service answered about these children now (status's "as of") */
  markChecked(ids: readonly string[]): void {
    if (ids.length === 0) return;
    this.statements
      .get('INSERT OR REPLACE INTO job_checks (job_id, checked_at) SELECT value, ? FROM json_each(?)')
      .run(this.now(), JSON.stringify(ids));
  }

  /** a mark in this connection's history, for changesSince */
  mark(): number {
    return this.appended.length;
  }

  /** the Changes recorded by the events this connection appended since `mark` */
  changesSince(mark: number): Change[] {
    return this.changes(this.appended.slice(mark));
  }

  /** the Changes that these job_events rows record, in the order they were appended */
  changes(eventIds: readonly number[]): Change[] {
    if (eventIds.length === 0) return [];
    const rows = this.statements
      .get(
        `SELECT event.job_id, event.at, event.from_status, event.to_status, event.message, event.progress, event.remote_job_id,
           event.submit_state, job.parent_job_id, job.service_slug
         FROM job_events AS event JOIN jobs AS job ON job.id = event.job_id
         WHERE event.id IN (SELECT value FROM json_each(?)) ORDER BY event.id`,
      )
      .all(JSON.stringify(eventIds)) as EventWithJob[];
    return rows.map(changeFromEvent);
  }

  private lastSubmitNews(jobId: string): SubmitState | null {
    const row = this.statements.get('SELECT submit_state FROM job_events WHERE job_id = ? ORDER BY id DESC LIMIT 1').get(jobId) as
      | { submit_state: SubmitState | null }
      | undefined;
    return row?.submit_state ?? null;
  }

  /** re-aggregate a parent from its children; returns the id of the event appended, if any */
  private reaggregate(parentId: string): number[] {
    const parent = this.get(parentId)!;
    const update = reaggregate(parent, this.children(parentId), this.now());
    if (!update.columns) return [];
    this.statements
      .get(
        `UPDATE jobs SET status = @status, progress = @progress, message = @message, settled = @settled,
           started_at = @started_at, completed_at = @completed_at, updated_at = @updated_at WHERE id = @id`,
      )
      .run({ ...update.columns, id: parentId });
    return update.event ? [this.appendEvent(parentId, update.event)] : [];
  }

  private appendEvent(jobId: string, event: EventDraft): number {
    const result = this.statements
      .get(
        `INSERT INTO job_events (job_id, at, from_status, to_status, message, reason, progress, remote_job_id, submit_state, settled)
         VALUES (@job_id, @at, @from_status, @to_status, @message, @reason, @progress, @remote_job_id, @submit_state, @settled)`,
      )
      .run({ ...event, message: scrubbedText(event.message), reason: scrubbedText(event.reason), job_id: jobId, at: this.now() });
    const id = Number(result.lastInsertRowid);
    this.appended.push(id);
    return id;
  }
}
