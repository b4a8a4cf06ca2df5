/**
 * `jobs --json` straight from SQLite. Building the document in JavaScript from 4,000 rows of 36 columns
 * costs more than the whole start-up budget (DESIGN §7: within 1.5× `node -e ''` for a 1,000-parent
 * store), and even SQLite's json_object over every row takes ~15 ms plus the garbage of 4,000 strings.
 * So each parent's document is kept ready in `job_docs`, rewritten by triggers (migration 4) whenever the
 * parent or one of its children changes (a few rows, on writes that happen minutes apart), and
 * `jobs --json` only concatenates them. The shape must stay exactly that of output/jobs.ts (parentJson,
 * childJson): test/foundation/jobs-json.test.ts compares the two.
 */
import type { Database } from './db.js';

/**
 * The `jobs` array of `jobs --json` as JSON text: parents newest first (as Store.listParents), each with
 * its children ordered as Store.childrenOf.
 */
export function parentsJsonText(db: Database, filter: { status?: string; limit?: number } = {}): string {
  return `[${parentsJsonBytes(db, filter).toString('utf8')}]`;
}

/**
 * The documents between the array's brackets, as UTF-8 bytes straight from SQLite: no 2 MB string to build,
 * copy and collect. The brackets are the caller's to write: adding them in SQL copied the 2 MB twice more
 * (~3.5 ms of a 1,000-parent `jobs --json`).
 */
export function parentsJsonBytes(db: Database, filter: { status?: string; limit?: number } = {}): Buffer {
  const where = filter.status ? 'WHERE status = @status' : '';
  return db
    .prepare(
      `SELECT CAST(coalesce(group_concat(doc, ','), '') AS BLOB)
       FROM (SELECT doc FROM job_docs ${where} ORDER BY created_at DESC, seq DESC LIMIT @limit)`,
    )
    .pluck()
    .get({ status: filter.status ?? null, limit: filter.limit ?? -1 }) as Buffer;
}
