/**
 * `jobs --json` straight from SQLite. Materialising 4,000 rows of 36 columns as better-sqlite3 objects,
 * rebuilding them with parentJson/childJson and JSON.stringify-ing the result costs ~60 ms for a
 * 1,000-parent store, more than the whole start-up budget (DESIGN §7: within 1.5× `node -e ''`).
 * SQLite's json_object writes the same documents in ~10 ms. The shape must stay exactly that of
 * output/jobs.ts (parentJson, childJson): test/foundation/jobs-json.test.ts compares the two.
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

/**
 * The `jobs` array of `jobs --json` as JSON text: parents newest first (as Store.listParents), each with
 * its children ordered as Store.childrenOf.
 */
export function parentsJsonText(db: Database, filter: { status?: string; limit?: number } = {}): string {
  const where = filter.status ? 'AND status = @status' : '';
  const parents = db
    .prepare(
      `SELECT id, ${jsonObject(PARENT_FIELDS)} FROM jobs WHERE parent_job_id IS NULL ${where}
       ORDER BY created_at DESC, rowid DESC LIMIT @limit`,
    )
    .raw()
    .all({ status: filter.status ?? null, limit: filter.limit ?? -1 }) as [string, string][];
  if (parents.length === 0) return '[]';
  const children = new Map<string, string[]>(parents.map(([id]) => [id, []]));
  // all children when every parent is listed (no filter): a plain scan beats 1,000 IN lookups
  const childRows = db
    .prepare(
      filter.status || filter.limit !== undefined
        ? `SELECT parent_job_id, ${jsonObject(CHILD_FIELDS)} FROM jobs
           WHERE parent_job_id IN (SELECT value FROM json_each(?)) ORDER BY service_id, rowid`
        : `SELECT parent_job_id, ${jsonObject(CHILD_FIELDS)} FROM jobs WHERE parent_job_id IS NOT NULL ORDER BY service_id, rowid`,
    )
    .raw()
    .all(...(filter.status || filter.limit !== undefined ? [JSON.stringify(parents.map(([id]) => id))] : [])) as [string, string][];
  for (const [parentId, json] of childRows) children.get(parentId)?.push(json);
  // json_object text always ends with '}': reopen it to append the children as the last key
  return `[${parents.map(([id, json]) => `${json.slice(0, -1)},"children":[${children.get(id)!.join(',')}]}`).join(',')}]`;
}
