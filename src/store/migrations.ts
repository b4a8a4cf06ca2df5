/**
 * Numbered migrations (Signal Desktop style): the database's user_version says how many have run.
 * All pending ones run in one transaction; a database written by a newer fedimpute is refused.
 */
import { jobDocsMigration } from './json.js';

export const MIGRATIONS: readonly string[] = [
  // 1: parents and children in one table, as in the seed; append-only status history
  `CREATE TABLE jobs (
     id TEXT PRIMARY KEY,
     parent_job_id TEXT REFERENCES jobs(id),
     name TEXT,
     description TEXT,
     service_id INTEGER,
     service_slug TEXT,
     service_name TEXT,
     service_type TEXT,
     reference_panel_id INTEGER,
     panel_name TEXT,
     remote_job_id TEXT,
     status TEXT NOT NULL,
     remote_state TEXT,
     progress REAL NOT NULL DEFAULT 0,
     queue_position INTEGER,
     step TEXT,
     message TEXT,
     last_error TEXT,
     settled INTEGER NOT NULL DEFAULT 0,
     input_files TEXT,
     options TEXT,
     result_password TEXT,
     created_at TEXT NOT NULL,
     updated_at TEXT NOT NULL,
     submitted_at TEXT,
     started_at TEXT,
     completed_at TEXT
   );
   CREATE INDEX jobs_parent_job_id ON jobs(parent_job_id);
   CREATE INDEX jobs_created_at ON jobs(created_at);
   CREATE TABLE job_events (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     job_id TEXT NOT NULL REFERENCES jobs(id),
     at TEXT NOT NULL,
     from_status TEXT,
     to_status TEXT NOT NULL,
     message TEXT
   );
   CREATE INDEX job_events_job_id ON job_events(job_id);`,
  // 2: submission bookkeeping (crash safety, slots, cancel, retry history) and downloaded files
  `ALTER TABLE jobs ADD COLUMN submit_state TEXT;
   ALTER TABLE jobs ADD COLUMN attempt INTEGER NOT NULL DEFAULT 1;
   ALTER TABLE jobs ADD COLUMN cancel_requested_at TEXT;
   ALTER TABLE jobs ADD COLUMN results_expire_at TEXT;
   ALTER TABLE jobs ADD COLUMN lease_until TEXT;
   ALTER TABLE jobs ADD COLUMN lease_owner TEXT;
   CREATE TABLE job_attempts (
     job_id TEXT NOT NULL REFERENCES jobs(id),
     attempt INTEGER NOT NULL,
     remote_job_id TEXT,
     status TEXT NOT NULL,
     message TEXT,
     submitted_at TEXT,
     ended_at TEXT,
     PRIMARY KEY (job_id, attempt)
   );
   CREATE TABLE downloads (
     job_id TEXT NOT NULL REFERENCES jobs(id),
     name TEXT NOT NULL,
     path TEXT NOT NULL,
     size INTEGER NOT NULL,
     sha256 TEXT NOT NULL,
     completed_at TEXT NOT NULL,
     PRIMARY KEY (job_id, name)
   );`,
  // 3: one `download` at a time per result file (each Michigan GET spends one of the file's downloads)
  `CREATE TABLE download_claims (
     job_id TEXT NOT NULL REFERENCES jobs(id),
     name TEXT NOT NULL,
     owner TEXT NOT NULL,
     until TEXT NOT NULL,
     PRIMARY KEY (job_id, name)
   );`,
  // 4: each parent's `jobs --json` document kept ready by triggers (start-up budget; see json.ts)
  jobDocsMigration(),
];

export const SCHEMA_VERSION = MIGRATIONS.length;
