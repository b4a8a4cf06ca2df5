/**
 * Numbered migrations (Signal Desktop style): the database's user_version says how many have run. All
 * pending ones run in one transaction; a database written by a newer fedimpute is refused. Each is frozen
 * SQL text, depending on no other code: history is never edited, a change of schema is a new migration.
 * (One file: `jobs --json` opens the store on its start-up budget, DESIGN §7.)
 */

/** migration 1: parents and children in one table, as in the seed; append-only status history */
const MIGRATION_1 = `CREATE TABLE jobs (
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
   CREATE INDEX job_events_job_id ON job_events(job_id);`;

/** migration 2: submission bookkeeping (crash safety, slots, cancel, retry history) and downloaded files */
const MIGRATION_2 = `ALTER TABLE jobs ADD COLUMN submit_state TEXT;
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
   );`;

/** migration 3: one `download` at a time per result file (each Michigan GET spends one of the file's downloads) */
const MIGRATION_3 = `CREATE TABLE download_claims (
     job_id TEXT NOT NULL REFERENCES jobs(id),
     name TEXT NOT NULL,
     owner TEXT NOT NULL,
     until TEXT NOT NULL,
     PRIMARY KEY (job_id, name)
   );`;

/**
 * migration 4: each parent's `jobs --json` document kept ready by triggers (start-up budget, DESIGN §7;
 * see read-model.ts). Frozen: this is the SQL the first version generated from output/jobs.ts's shape,
 * written out so that editing an output field can never rewrite history. A new shape is a new migration
 * that drops and recreates the triggers and rebuilds job_docs (test/foundation/jobs-json.test.ts says when).
 */

/** a REAL column as JSON.stringify writes it: 45 rather than SQLite's 45.0 */
const PROGRESS = '(CASE WHEN progress = CAST(progress AS INTEGER) THEN CAST(progress AS INTEGER) ELSE progress END)';

/** childJson's keys, in its order */
const CHILD_DOC =
  "json_object('id', id, 'service_id', service_id, 'service_slug', service_slug, 'service_name', service_name, " +
  "'panel_id', reference_panel_id, 'panel_name', panel_name, 'remote_job_id', remote_job_id, 'status', status, " +
  `'remote_state', remote_state, 'progress', ${PROGRESS}, 'queue_position', queue_position, 'step', step, ` +
  "'message', message, 'last_error', last_error, 'submit_state', submit_state, 'attempt', attempt, " +
  "'cancel_requested_at', cancel_requested_at, 'results_expire_at', results_expire_at, 'created_at', created_at, " +
  "'submitted_at', submitted_at, 'started_at', started_at, 'completed_at', completed_at)";

// bare column names resolve to the innermost FROM: `child` in the subquery, `parent` outside it
const CHILDREN = `(SELECT json_group_array(json(doc)) FROM (SELECT ${CHILD_DOC} AS doc FROM jobs AS child
      WHERE child.parent_job_id = parent.id ORDER BY child.service_id, child.rowid))`;

/** parentJson's keys, `children` last */
const PARENT_DOC =
  `json_object('id', id, 'name', name, 'description', description, 'status', status, 'progress', ${PROGRESS}, ` +
  "'summary', message, 'settled', json(CASE settled WHEN 1 THEN 'true' ELSE 'false' END), " +
  "'inputs', json(coalesce(input_files, '[]')), 'options', json(coalesce(options, '{}')), 'created_at', created_at, " +
  `'started_at', started_at, 'completed_at', completed_at, 'children', json(${CHILDREN}))`;

const upsert = (where: string) =>
  `INSERT OR REPLACE INTO job_docs (parent_id, created_at, seq, status, doc) SELECT parent.id, parent.created_at, parent.rowid, parent.status, ${PARENT_DOC}
    FROM jobs AS parent WHERE parent.parent_job_id IS NULL AND ${where};`;

const MIGRATION_4 = `CREATE TABLE job_docs (
      parent_id TEXT PRIMARY KEY REFERENCES jobs(id),
      created_at TEXT NOT NULL,
      seq INTEGER NOT NULL,
      status TEXT NOT NULL,
      doc TEXT NOT NULL
    );
    CREATE INDEX job_docs_order ON job_docs(created_at DESC, seq DESC);
    CREATE TRIGGER job_docs_after_insert AFTER INSERT ON jobs BEGIN ${upsert('parent.id = coalesce(NEW.parent_job_id, NEW.id)')} END;
    CREATE TRIGGER job_docs_after_update AFTER UPDATE ON jobs BEGIN ${upsert('parent.id = coalesce(NEW.parent_job_id, NEW.id)')} END;
    ${upsert('1 = 1')}`;

/**
 * migration 5: job_events carry what `poll` and `watch` report (a Change is read from its event, not
 * rebuilt in memory): the progress, remote job id and submission state after the change, a parent's
 * settled flag, and the reason apart from the message shown. Events of older stores keep their reason
 * in `message`.
 */
const MIGRATION_5 = `ALTER TABLE job_events ADD COLUMN reason TEXT;
   ALTER TABLE job_events ADD COLUMN progress REAL;
   ALTER TABLE job_events ADD COLUMN remote_job_id TEXT;
   ALTER TABLE job_events ADD COLUMN submit_state TEXT;
   ALTER TABLE job_events ADD COLUMN settled INTEGER;`;

/**
 * migration 6: when a service last answered about each job, so that `status` can say how old what it
 * shows is ("as of 3 min ago"). A table of its own: a check writes nothing to `jobs`, whose triggers
 * would rewrite the parent's `jobs --json` document on every poll.
 */
const MIGRATION_6 = `CREATE TABLE job_checks (job_id TEXT PRIMARY KEY, checked_at TEXT NOT NULL);`;

/**
 * migration 7: what an older fedimpute stored before texts were scrubbed at write time (store/scrub.ts).
 * Tokens are swept by the commands that resolve them (store/sweep.ts), once per token: sweep_salt is the
 * store's own random salt and swept_tokens the salted SHA-256 of each token swept, never the token; `legacy`
 * says the store held jobs before this migration (only such a store is swept: later writes are scrubbed). Result
 * passwords are in the store: a job's own, echoed into its messages, is masked here as redact() masks it.
 * The password column itself stays (the user needs it to open the results). Rows of `jobs` rewritten here
 * rewrite their parent's document (migration 4's triggers). Passwords are [A-Za-z0-9] (domain/password.ts):
 * their URL encoding is themselves.
 */
const MIGRATION_7 = `CREATE TABLE sweep_salt (salt BLOB NOT NULL, legacy INTEGER NOT NULL);
   INSERT INTO sweep_salt (salt, legacy) SELECT randomblob(32), EXISTS (SELECT 1 FROM jobs);
   CREATE TABLE swept_tokens (fingerprint BLOB PRIMARY KEY);
   UPDATE jobs SET remote_state = replace(remote_state, result_password, '***'), step = replace(step, result_password, '***'),
       message = replace(message, result_password, '***'), last_error = replace(last_error, result_password, '***')
     WHERE length(result_password) >= 6 AND (instr(remote_state, result_password) > 0 OR instr(step, result_password) > 0
       OR instr(message, result_password) > 0 OR instr(last_error, result_password) > 0);
   UPDATE job_events SET message = replace(job_events.message, jobs.result_password, '***'), reason = replace(job_events.reason, jobs.result_password, '***')
     FROM jobs WHERE jobs.id = job_events.job_id AND length(jobs.result_password) >= 6
       AND (instr(job_events.message, jobs.result_password) > 0 OR instr(job_events.reason, jobs.result_password) > 0);
   UPDATE job_attempts SET message = replace(job_attempts.message, jobs.result_password, '***')
     FROM jobs WHERE jobs.id = job_attempts.job_id AND length(jobs.result_password) >= 6 AND instr(job_attempts.message, jobs.result_password) > 0;`;

export const MIGRATIONS: readonly string[] = [MIGRATION_1, MIGRATION_2, MIGRATION_3, MIGRATION_4, MIGRATION_5, MIGRATION_6, MIGRATION_7];

export const SCHEMA_VERSION = MIGRATIONS.length;
