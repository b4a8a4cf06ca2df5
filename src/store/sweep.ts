/**
 * Echoed tokens left by an older fedimpute. Since the trust-boundary work every text is scrubbed before it
 * is written (scrub.ts), but a store written before it may still hold a token a server echoed into a
 * message, an event or a cached `jobs --json` document, and `jobs` and `status` print stored text without
 * ever loading tokens. So once a command has resolved the registry's tokens and opened such a store (one
 * that held jobs when migration 7 ran), every column that holds server text is swept of each token not
 * swept before: one transaction, one UPDATE per table finding rows by instr(), the token replaced as
 * redact() replaces it (itself and its URL encoding). A store created since is never swept.
 *
 * Once per token per store, not on every run: scanning a 1,000-parent store costs ~15–20 ms when nothing
 * matches (bench/sweep), most of a `status`'s start-up budget, and grows with the store. What was swept is
 * remembered as a salted SHA-256 (HMAC keyed by a random salt of the store's own, migration 7): never the
 * token, and no fingerprint matches another store's. The salt sits in the same file, so this hides nothing
 * from someone guessing a short token; it only keeps stores from being correlated.
 */
import { createHmac } from 'node:crypto';
import type { Database } from './db.js';

/**
 * The columns of migrations 1–6 that hold text a server sent (job_checks holds only times). Parents' messages
 * are summaries fedimpute writes, swept all the same. downloads.name is part of the key: a swept name that
 * meets an existing row replaces it (the same file, recorded again since writes are scrubbed).
 */
const SERVER_TEXT = [
  { table: 'jobs', columns: ['remote_job_id', 'remote_state', 'step', 'message', 'last_error'], conflict: '' },
  { table: 'job_events', columns: ['message', 'reason', 'remote_job_id'], conflict: '' },
  { table: 'job_attempts', columns: ['message', 'remote_job_id'], conflict: '' },
  { table: 'downloads', columns: ['name', 'path'], conflict: 'OR REPLACE ' },
] as const;

/**
 * Remove every token not swept before from the server text of a store that held jobs before migration 7
 * (`legacy`), and remember it as swept. Tokens under 6 characters are not secrets (registerSecret). Rows of
 * `jobs` rewritten here rewrite their parent's `jobs --json` document (migration 4's triggers); job_docs is
 * swept after them all the same, for a token that reads differently inside JSON. Returns the number of
 * rows changed (0, and nothing written, when every token was swept or the store is not an old one).
 */
export function sweepTokens(db: Database, tokens: readonly string[]): number {
  const candidates = [...new Set(tokens.filter((token) => token.length >= 6))];
  const { salt, legacy } = db.prepare('SELECT salt, legacy FROM sweep_salt').get() as { salt: Buffer; legacy: number };
  // a store this fedimpute created was scrubbed at every write: nothing to sweep, nothing to remember
  if (candidates.length === 0 || legacy !== 1) return 0;
  const swept = db.prepare('SELECT 1 FROM swept_tokens WHERE fingerprint = ?').pluck();
  const unswept = () => candidates.filter((token) => !swept.get(fingerprint(salt, token)));
  // looked for before the transaction: the usual case, nothing new, takes no write lock
  if (unswept().length === 0) return 0;
  return db.transaction(() => {
    // another fedimpute may have swept them while this one waited for the lock
    const fresh = unswept();
    const forms = [...new Set(fresh.flatMap(formsOf))];
    let changes = 0;
    for (const { table, columns, conflict } of SERVER_TEXT) changes += replaceForms(db, table, columns, forms, conflict);
    changes += replaceForms(db, 'job_docs', ['doc'], [...new Set(forms.map(jsonForm))]);
    const remember = db.prepare('INSERT OR IGNORE INTO swept_tokens (fingerprint) VALUES (?)');
    for (const token of fresh) remember.run(fingerprint(salt, token));
    return changes;
  }).immediate();
}

/** the salted SHA-256 a swept token is remembered by */
export function fingerprint(salt: Buffer, token: string): Buffer {
  return createHmac('sha256', salt).update(token, 'utf8').digest();
}

/** the forms redact() removes: the token and its URL encoding */
function formsOf(token: string): string[] {
  const encoded = encodeURIComponent(token);
  return encoded === token ? [token] : [token, encoded];
}

/** how a form reads inside a JSON string of job_docs (json_object escapes quotes and backslashes) */
function jsonForm(form: string): string {
  return JSON.stringify(form).slice(1, -1);
}

/**
 * UPDATE <table> SET c = replace(replace(c, @f1, '***'), @f2, '***'), … WHERE instr(c, @f1) > 0 OR …: one
 * scan of the table whatever the number of forms (named: better-sqlite3 binds no numbered ?NNN from a list).
 */
function replaceForms(db: Database, table: string, columns: readonly string[], forms: readonly string[], conflict = ''): number {
  if (forms.length === 0) return 0;
  const names = forms.map((_, index) => `f${index + 1}`);
  const replaced = (column: string) => names.reduce((text, name) => `replace(${text}, @${name}, '***')`, column);
  const found = columns.flatMap((column) => names.map((name) => `instr(${column}, @${name}) > 0`)).join(' OR ');
  const sql = `UPDATE ${conflict}${table} SET ${columns.map((column) => `${column} = ${replaced(column)}`).join(', ')} WHERE ${found}`;
  return db.prepare(sql).run(Object.fromEntries(names.map((name, index) => [name, forms[index]]))).changes;
}
