/**
 * A store as a fedimpute from before the trust-boundary work left it: schema 6 (migrations 1–6), rows
 * written with SQL (never through the Store, whose writes are scrubbed), and what servers echoed kept
 * verbatim: a token in a child's step (URL-encoded), message and last_error, in events, an attempt and a
 * downloaded file's name, the child's own result password in its messages. job_docs is filled by
 * migration 4's triggers, as the old version's was.
 */
import { openDatabase } from '../../src/store/db.js';
import { MIGRATIONS } from '../../src/store/migrations.js';

export interface OldSecrets {
  /** the Michigan service's (id 1) token */
  michigan: string;
  /** the WES service's (id 11) token */
  wes: string;
  /** the Michigan child's result password */
  password: string;
}

export const OLD_PARENT = 'a1d0ld00-0000-4000-8000-000000000001';

/** `settled`: false leaves the WES child running at the server's run `wesRun` (for a poll that asks it) */
export function writeOldStore(path: string, secrets: OldSecrets, options: { settled?: boolean; wesRun?: string } = {}): void {
  const { michigan, wes, password } = secrets;
  const settled = options.settled ?? true;
  const db = openDatabase(path, MIGRATIONS.slice(0, 6));
  const at = '2025-06-01T10:00:00.000Z';
  const insert = db.prepare(
    `INSERT INTO jobs (id, parent_job_id, name, service_id, service_slug, service_name, service_type, reference_panel_id, panel_name,
       remote_job_id, status, remote_state, progress, step, message, last_error, settled, result_password, submit_state, created_at, updated_at)
     VALUES (@id, @parent, @name, @service, @slug, @service_name, @type, @panel, @panel_name, @remote, @status, @remote_state, @progress,
       @step, @message, @last_error, @settled, @password, @submit_state, @at, @at)`,
  );
  const job = { parent: null, name: null, service: null, slug: null, service_name: null, type: null, panel: null, panel_name: null, remote: null, remote_state: null, progress: 0, step: null, message: null, last_error: null, settled: 0, password: null, submit_state: null, at };
  db.transaction(() => {
    insert.run({ ...job, id: OLD_PARENT, name: 'before the upgrade', status: settled ? 'failed' : 'running', message: '0/2 jobs completed, 2 failed, 0 running', settled: settled ? 1 : 0 });
    insert.run({
      ...job, id: `${OLD_PARENT}-m`, parent: OLD_PARENT, service: 1, slug: 'mich1', service_name: 'Michigan emulator 1', type: 'michigan', panel: 37, panel_name: 'H3Africa v6',
      remote: 'job-20250601-100000-001', status: 'failed', remote_state: 'error', progress: 40, step: `Input Validation (${encodeURIComponent(michigan)})`,
      message: `Error: the token ${michigan} was refused`, last_error: `401 Unauthorized: X-Auth-Token: ${michigan}; result password ${password}`, password, submit_state: 'submitted',
    });
    insert.run({
      ...job, id: `${OLD_PARENT}-w`, parent: OLD_PARENT, service: 11, slug: 'wes1', service_name: 'WES emulator 1', type: 'wes', panel: 39, panel_name: '1000G Phase 3 v5',
      remote: options.wesRun ?? 'run-old-0001', status: settled ? 'failed' : 'running', remote_state: settled ? 'EXECUTOR_ERROR' : 'RUNNING', progress: 10,
      step: 'imputation', message: settled ? `ERROR headers {"authorization":"Bearer ${wes}"}` : null, last_error: settled ? `EXECUTOR_ERROR: Bearer ${wes}` : null, submit_state: 'submitted',
    });
    const event = db.prepare('INSERT INTO job_events (job_id, at, from_status, to_status, message, reason) VALUES (?, ?, ?, ?, ?, ?)');
    event.run(`${OLD_PARENT}-m`, at, 'running', 'failed', `failed: ${michigan}`, `server said: password ${password}`);
    event.run(`${OLD_PARENT}-w`, at, 'queued', 'running', `Bearer ${wes}`, null);
    db.prepare('INSERT INTO job_attempts (job_id, attempt, remote_job_id, status, message, submitted_at, ended_at) VALUES (?, 1, ?, ?, ?, ?, ?)')
      .run(`${OLD_PARENT}-m`, 'job-20250601-000000-000', 'failed', `refused ${michigan} (password ${password})`, at, at);
    db.prepare('INSERT INTO downloads (job_id, name, path, size, sha256, completed_at) VALUES (?, ?, ?, 10, ?, ?)')
      .run(`${OLD_PARENT}-w`, `log-${wes}.txt`, `/results/log-${wes}.txt`, 'ab'.repeat(32), at);
    db.prepare('INSERT INTO job_checks (job_id, checked_at) VALUES (?, ?)').run(`${OLD_PARENT}-w`, at);
  })();
  db.close();
}
