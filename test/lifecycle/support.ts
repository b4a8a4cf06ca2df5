/** Store assertions shared by the lifecycle end-to-end tests (they read the SQLite file the binary wrote). */
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { withDb } from '../helpers/store.js';

export interface Row {
  id: string;
  parent_job_id: string | null;
  status: string;
  progress: number;
  message: string | null;
  settled: number;
  remote_job_id: string | null;
  service_id: number | null;
  service_slug: string | null;
  service_type: string | null;
  submit_state: string | null;
  result_password: string | null;
  input_files: string | null;
  attempt: number;
  last_error: string | null;
  cancel_requested_at: string | null;
  [key: string]: unknown;
}

export function parents(db: string): Row[] {
  return withDb(db, (sqlite) => sqlite.prepare('SELECT * FROM jobs WHERE parent_job_id IS NULL ORDER BY created_at, rowid').all() as Row[]);
}

export function parentRow(db: string, id?: string): Row {
  const all = parents(db);
  const found = id ? all.find((row) => row.id === id) : all.at(-1);
  if (!found) throw new Error(`no parent ${id ?? '(newest)'} in ${db}`);
  return found;
}

export function childRows(db: string, parentId: string): Row[] {
  return withDb(db, (sqlite) => sqlite.prepare('SELECT * FROM jobs WHERE parent_job_id = ? ORDER BY service_id, rowid').all(parentId) as Row[]);
}

/**
 * every job's events chain: first from NULL, each from = the previous to, last to = status; an event that
 * keeps the status (from = to) records other news: a child's submission state, a parent's settling
 */
export function expectConsistentEvents(db: string): void {
  withDb(db, (sqlite) => {
    const jobs = sqlite.prepare('SELECT id, status FROM jobs').all() as { id: string; status: string }[];
    const events = sqlite.prepare('SELECT * FROM job_events WHERE job_id = ? ORDER BY id');
    for (const job of jobs) {
      const rows = events.all(job.id) as { from_status: string | null; to_status: string; submit_state: string | null; settled: number | null }[];
      expect(rows.length, `events of ${job.id}`).toBeGreaterThan(0);
      expect(rows[0].from_status, `first event of ${job.id}`).toBeNull();
      for (let index = 1; index < rows.length; index++) {
        expect(rows[index].from_status, `event ${index} of ${job.id}`).toBe(rows[index - 1].to_status);
        if (rows[index].from_status === rows[index].to_status) {
          const news = rows[index].submit_state !== rows[index - 1].submit_state || rows[index].settled !== rows[index - 1].settled;
          expect(news, `event ${index} of ${job.id} keeps the status and says nothing new`).toBe(true);
        }
      }
      expect(rows.at(-1)!.to_status, `last event of ${job.id}`).toBe(job.status);
    }
  });
}

export function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** Michigan's submit route (the upload), as the emulator records it */
export const SUBMIT = /\/api\/v2\/jobs\/submit\/imputationserver2$/;

/** `megabytes` MiB of random bytes as dir/big.vcf.gz: an upload that `--no-check` sends as it is */
export function bigFile(dir: string, megabytes: number): string {
  const path = join(dir, 'big.vcf.gz');
  const fd = openSync(path, 'w');
  const chunk = randomBytes(1 << 20);
  for (let index = 0; index < megabytes; index++) writeSync(fd, chunk);
  closeSync(fd);
  return path;
}
