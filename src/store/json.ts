/**
 * `jobs --json` straight from SQLite. Building the document in JavaScript from 4,000 rows of 36 columns
 * costs more than the whole start-up budget (DESIGN §7: within 1.5× `node -e ''` for a 1,000-parent
 * store), and even SQLite's json_object over every row takes ~15 ms plus the garbage of 4,000 strings.
 * So each parent's document is kept ready in `job_docs`, rewritten by triggers whenever the parent or one
 * of its children changes (a few rows, on writes that happen minutes apart), and `jobs --json` only
 * concatenates them. The shape must stay exactly that of output/jobs.ts (parentJson, childJson):
 * test/foundation/jobs-json.test.ts compares the two. Changing it needs a new migration that drops and
 * recreates the triggers (and rebuilds job_docs), since migrations are history.
 */
import type { Database } from './db.js';

/** childJson's keys, in its order, and the column each comes from */
const CHILD_FIELDS: [key: string, column: string][] = [
  ['id', 'id'],
  ['service_id', 'service_id'],
  ['service_slug', 'service_slug'],
  ['service_name', 'service_name'],
  ['panel_id', 'reference_panel_id'],
  ['panel_name', 'panel_name'],
  ['remote_job_id', 'remote_job_id'],
  ['status', 'status'],
  ['remote_state', 'remote_state'],
  ['progress', number('progress')],
  ['queue_position', 'queue_position'],
  ['step', 'step'],
  ['message', 'message'],
  ['last_error', 'last_error'],
  ['submit_state', 'submit_state'],
  ['attempt', 'attempt'],
  ['cancel_requested_at', 'cancel_requested_at'],
  ['results_expire_at', 'results_expire_at'],
  ['created_at', 'created_at'],
  ['submitted_at', 'submitted_at'],
  ['started_at', 'started_at'],
  ['completed_at', 'completed_at'],
];

/** parentJson's keys before `children`, which is spliced in as the last key */
const PARENT_FIELDS: [key: string, column: string][] = [
  ['id', 'id'],
  ['name', 'name'],
  ['description', 'description'],
  ['status', 'status'],
  ['progress', number('progress')],
  ['summary', 'message'],
  ['settled', "json(CASE settled WHEN 1 THEN 'true' ELSE 'false' END)"],
  ['inputs', "json(coalesce(input_files, '[]'))"],
  ['options', "json(coalesce(options, '{}'))"],
  ['created_at', 'created_at'],
  ['started_at', 'started_at'],
  ['completed_at', 'completed_at'],
];

/** a REAL column as JSON.stringify writes it: 45 rather than SQLite's 45.0 */
function number(column: string): string {
  return `(CASE WHEN ${column} = CAST(${column} AS INTEGER) THEN CAST(${column} AS INTEGER) ELSE ${column} END)`;
}

function jsonObject(fields: [string, string][]): string {
  return `json_object(${fields.map(([key, column]) => `'${key}', ${column}`).join(', ')})`;
}

/** SQL selecting (id, created_at, rowid, status, document) of the parents that match `where` */
function parentDocuments(where: string): string {
  // bare column names resolve to the innermost FROM: `child` in the subquery, `parent` outside it
  const children = `(SELECT json_group_array(json(doc)) FROM (SELECT ${jsonObject(CHILD_FIELDS)} AS doc FROM jobs AS child
      WHERE child.parent_job_id = parent.id ORDER BY child.service_id, child.rowid))`;
  return `SELECT parent.id, parent.created_at, parent.rowid, parent.status, ${jsonObject([...PARENT_FIELDS, ['children', `json(${children})`]])}
    FROM jobs AS parent WHERE parent.parent_job_id IS NULL AND ${where}`;
}

/** migration 4: the job_docs table, the triggers that keep it, and the documents of the jobs already there */
export function jobDocsMigration(): string {
  const upsert = (where: string) => `INSERT OR REPLACE INTO job_docs (parent_id, created_at, seq, status, doc) ${parentDocuments(where)};`;
  return `CREATE TABLE job_docs (
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
}

/**
 * The `jobs` array of `jobs --json` as JSON text: parents newest first (as Store.listParents), each with
 * its children ordered as Store.childrenOf.
 */
export function parentsJsonText(db: Database, filter: { status?: string; limit?: number } = {}): string {
  return parentsJsonBytes(db, filter).toString('utf8');
}

/** the same as UTF-8 bytes, straight from SQLite: no 2 MB string to build, copy and collect */
export function parentsJsonBytes(db: Database, filter: { status?: string; limit?: number } = {}): Buffer {
  const where = filter.status ? 'WHERE status = @status' : '';
  return db
    .prepare(
      `SELECT CAST('[' || coalesce(group_concat(doc, ','), '') || ']' AS BLOB)
       FROM (SELECT doc FROM job_docs ${where} ORDER BY created_at DESC, seq DESC LIMIT @limit)`,
    )
    .pluck()
    .get({ status: filter.status ?? null, limit: filter.limit ?? -1 }) as Buffer;
}
