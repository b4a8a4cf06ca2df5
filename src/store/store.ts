/**
 * The job store: one SQLite connection, statements prepared once, and one object per concern — jobs and
 * their history (jobs.ts), submission leases and slots (leases.ts), downloaded result files and their
 * claims (downloads.ts). This class only wires them; callers keep one handle.
 */
import type { ChildPatch } from '../domain/job.js';
import type { TransitionOptions } from '../domain/transition.js';
import type { Database } from './db.js';
import { DownloadClaims, Downloads } from './downloads.js';
import { Jobs, type ChildChange, type NewJob } from './jobs.js';
import { Leases } from './leases.js';
import type { DownloadRow, JobRow } from './rows.js';
import { Statements } from './statements.js';

export type { ChildChange, ChildPatch, NewJob };

export class Store {
  readonly jobs: Jobs;
  readonly leases: Leases;
  readonly files: Downloads;
  private fileClaims?: DownloadClaims;

  constructor(
    readonly db: Database,
    readonly clock: () => Date = () => new Date(),
  ) {
    const statements = new Statements(db);
    const now = () => this.clock().toISOString();
    this.jobs = new Jobs(statements, now);
    this.leases = new Leases(statements, this.jobs, clock);
    this.files = new Downloads(statements, now);
  }

  close(): void {
    this.db.close();
  }

  /** jobs were written here by a fedimpute older than migration 7, and no token has been swept since (sweep.ts) */
  awaitsSweep(): boolean {
    return this.db.prepare('SELECT legacy AND NOT EXISTS (SELECT 1 FROM swept_tokens) FROM sweep_salt').pluck().get() === 1;
  }

  /** claims on result files, for concurrent `download` runs */
  get claims(): DownloadClaims {
    this.fileClaims ??= new DownloadClaims(this.db, this.clock);
    return this.fileClaims;
  }

  // the calls results/ makes, kept on the store itself
  get(id: string): JobRow | undefined {
    return this.jobs.get(id);
  }
  children(parentId: string): JobRow[] {
    return this.jobs.children(parentId);
  }
  updateChild(id: string, patch: ChildPatch, options?: TransitionOptions): ChildChange {
    return this.jobs.updateChild(id, patch, options);
  }
  downloads(jobId: string): DownloadRow[] {
    return this.files.list(jobId);
  }
  recordDownload(row: Omit<DownloadRow, 'completed_at'>): void {
    this.files.record(row);
  }
  forgetDownload(jobId: string, name: string): void {
    this.files.forget(jobId, name);
  }
}
