/**
 * What an older fedimpute stored (test/helpers/old-store.ts): migration 7 masks each job's own result
 * password in its messages, and sweepTokens removes the registry's tokens from every column of server text
 * and every `jobs --json` document, once per token per store, remembered by salted fingerprints only.
 */
import { createHash, createHmac } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/store/db.js';
import { fingerprint, sweepTokens } from '../../src/store/sweep.js';
import { Store } from '../../src/store/store.js';
import { tempDir } from '../helpers/cli.js';
import { OLD_PARENT, writeOldStore, type OldSecrets } from '../helpers/old-store.js';
import { withDb } from '../helpers/store.js';

const tmp = tempDir('fedimpute-sweep-');
afterAll(() => tmp.cleanup());
let counter = 0;
const fresh = () => join(tmp.path, `store-${++counter}.db`);

// a quote and a backslash: inside a JSON document the token reads differently; a slash and a plus: URL-encoded too
const SECRETS: OldSecrets = { michigan: 'mich/tok+en-0123456789abcdef', wes: 'wes"tok\\en-fedcba9876543210', password: 'Xk3pQ9zR7mW2vB5nL8cT4yH6' };
const FORMS = [SECRETS.michigan, encodeURIComponent(SECRETS.michigan), SECRETS.wes, encodeURIComponent(SECRETS.wes), JSON.stringify(SECRETS.wes).slice(1, -1)];

/** every text of every table but jobs.result_password, with where it is */
function texts(db: Database): { where: string; text: string }[] {
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[];
  return tables.flatMap((table) =>
    (db.prepare(`SELECT * FROM "${table}"`).all() as Record<string, unknown>[]).flatMap((row) =>
      Object.entries(row)
        .filter(([column, value]) => typeof value === 'string' && !(table === 'jobs' && column === 'result_password'))
        .map(([column, value]) => ({ where: `${table}.${column}`, text: value as string })),
    ),
  );
}

/** a store made here, taken for one an older fedimpute wrote (migration 7 found jobs in it) */
function legacy(db: Database): Database {
  db.prepare('UPDATE sweep_salt SET legacy = 1').run();
  return db;
}

const holding = (db: Database, secret: string) => texts(db).filter(({ text }) => text.includes(secret)).map(({ where }) => where);

describe('migration 7', () => {
  it("masks each job's own result password in its messages, events, attempts and documents, and keeps the password", () => {
    const path = fresh();
    writeOldStore(path, SECRETS);
    const before = withDb(path, (db) => (db.prepare('SELECT count(*) FROM job_docs WHERE instr(doc, ?) > 0').pluck().get(SECRETS.password)));
    expect(before).toBe(1);
    const db = openDatabase(path);
    expect(holding(db, SECRETS.password)).toEqual([]);
    expect(db.prepare('SELECT result_password FROM jobs WHERE id = ?').pluck().get(`${OLD_PARENT}-m`)).toBe(SECRETS.password);
    const child = db.prepare('SELECT last_error FROM jobs WHERE id = ?').pluck().get(`${OLD_PARENT}-m`);
    expect(child).toBe(`401 Unauthorized: X-Auth-Token: ${SECRETS.michigan}; result password ***`);
    expect(db.prepare('SELECT reason FROM job_events WHERE job_id = ? AND to_status = ?').pluck().get(`${OLD_PARENT}-m`, 'failed')).toBe('server said: password ***');
    expect(db.prepare('SELECT message FROM job_attempts').pluck().get()).toBe(`refused ${SECRETS.michigan} (password ***)`);
    // the tokens are left for the sweep: the migration cannot know them
    expect(holding(db, SECRETS.michigan).length).toBeGreaterThan(0);
    db.close();
  });

  it('marks a store that held jobs before it as legacy: an idle poll sweeps only such a store, until a token is swept', () => {
    const old = fresh();
    writeOldStore(old, SECRETS);
    const store = new Store(openDatabase(old));
    expect(store.awaitsSweep()).toBe(true);
    sweepTokens(store.db, [SECRETS.michigan]);
    expect(store.awaitsSweep()).toBe(false);
    store.close();
    const created = new Store(openDatabase(fresh()));
    expect(created.awaitsSweep()).toBe(false);
    created.close();
  });
});

describe('sweepTokens', () => {
  it('removes each token and its URL and JSON forms from every column of server text and every document, in one go', () => {
    const path = fresh();
    writeOldStore(path, SECRETS);
    const reopened = openDatabase(path);
    for (const form of FORMS.slice(0, 3)) expect(holding(reopened, form).length, form).toBeGreaterThan(0);
    expect(holding(reopened, FORMS[4])).toContain('job_docs.doc');
    const changed = sweepTokens(reopened, [SECRETS.michigan, SECRETS.wes, 'short']);
    // jobs ×2, job_events ×2, job_attempts ×1, downloads ×1 (documents were rewritten by the triggers)
    expect(changed).toBe(6);
    for (const form of FORMS) expect(holding(reopened, form), form).toEqual([]);
    expect(reopened.prepare('SELECT step, message, last_error FROM jobs WHERE id = ?').get(`${OLD_PARENT}-m`)).toEqual({
      step: 'Input Validation (***)',
      message: 'Error: the token *** was refused',
      last_error: '401 Unauthorized: X-Auth-Token: ***; result password ***',
    });
    expect(reopened.prepare('SELECT name, path FROM downloads').get()).toEqual({ name: 'log-***.txt', path: '/results/log-***.txt' });
    // the documents are still JSON, and the same as the rows they are made from
    const docs = reopened.prepare('SELECT doc FROM job_docs').pluck().all() as string[];
    expect(JSON.parse(docs[0]).children.map((child: { last_error: string }) => child.last_error)).toEqual(['401 Unauthorized: X-Auth-Token: ***; result password ***', 'EXECUTOR_ERROR: Bearer ***']);
    reopened.close();
  });

  it('sweeps a document that holds a token its rows do not', () => {
    const db = legacy(openDatabase(fresh()));
    const store = new Store(db);
    store.jobs.insertParent({ id: 'p', name: 'doc only' }, []);
    db.prepare("UPDATE job_docs SET doc = json_set(doc, '$.summary', ?)").run(`echo ${SECRETS.wes}`);
    expect(holding(db, FORMS[4])).toEqual(['job_docs.doc']);
    expect(sweepTokens(db, [SECRETS.wes])).toBe(1);
    expect(JSON.parse(db.prepare('SELECT doc FROM job_docs').pluck().get() as string).summary).toBe('echo ***');
    db.close();
  });

  it('a second sweep with the same tokens writes nothing; a new token alone is swept', () => {
    const path = fresh();
    writeOldStore(path, SECRETS);
    const db = openDatabase(path);
    expect(sweepTokens(db, [SECRETS.michigan])).toBeGreaterThan(0);
    // another connection sees no commit: PRAGMA data_version moves only when another connection writes
    const watcher = openDatabase(path);
    const version = watcher.pragma('data_version', { simple: true });
    expect(sweepTokens(db, [SECRETS.michigan])).toBe(0);
    expect(watcher.pragma('data_version', { simple: true })).toBe(version);
    expect(holding(db, SECRETS.wes).length).toBeGreaterThan(0);
    // the WES child, its event and its downloaded file
    expect(sweepTokens(db, [SECRETS.michigan, SECRETS.wes])).toBe(3);
    expect(holding(db, SECRETS.wes)).toEqual([]);
    expect(db.prepare('SELECT count(*) FROM swept_tokens').pluck().get()).toBe(2);
    expect(watcher.pragma('data_version', { simple: true })).not.toBe(version);
    watcher.close();
    db.close();
  });

  it('leaves a store this fedimpute created alone: its writes were scrubbed, and nothing is remembered', () => {
    const path = fresh();
    const db = openDatabase(path);
    const store = new Store(db);
    store.jobs.insertParent({ id: 'p', name: null }, [{ id: 'c', name: null, service_id: 1 }]);
    // written with SQL, as no write of this fedimpute can: still not swept, the store is not an old one
    db.prepare('UPDATE jobs SET message = ? WHERE id = ?').run(`echo ${SECRETS.michigan}`, 'c');
    const watcher = openDatabase(path);
    const version = watcher.pragma('data_version', { simple: true });
    expect(sweepTokens(db, [SECRETS.michigan])).toBe(0);
    expect(watcher.pragma('data_version', { simple: true })).toBe(version);
    expect(db.prepare('SELECT count(*) FROM swept_tokens').pluck().get()).toBe(0);
    expect(store.awaitsSweep()).toBe(false);
    watcher.close();
    db.close();
  });

  it('a swept file name that meets the same file recorded since replaces it', () => {
    const db = legacy(openDatabase(fresh()));
    const store = new Store(db);
    store.jobs.insertParent({ id: 'p', name: null }, [{ id: 'c', name: null, service_id: 1 }]);
    const insert = db.prepare("INSERT INTO downloads (job_id, name, path, size, sha256, completed_at) VALUES ('c', ?, ?, 1, 'ab', 't')");
    insert.run(`log-${SECRETS.michigan}.txt`, '/r/old');
    insert.run('log-***.txt', '/r/new');
    expect(sweepTokens(db, [SECRETS.michigan])).toBe(1);
    expect(db.prepare('SELECT name, path FROM downloads').all()).toEqual([{ name: 'log-***.txt', path: '/r/old' }]);
    db.close();
  });
});

describe('fingerprints', () => {
  it('hold no token, differ from store to store, and confirm a guess only with the store’s own salt', () => {
    const token = SECRETS.michigan;
    const stores = [fresh(), fresh()].map((path) => {
      const db = legacy(openDatabase(path));
      sweepTokens(db, [token]);
      const found = { salt: db.prepare('SELECT salt FROM sweep_salt').pluck().get() as Buffer, prints: db.prepare('SELECT fingerprint FROM swept_tokens').pluck().all() as Buffer[] };
      db.close();
      return found;
    });
    const [first, second] = stores;
    expect(first.prints).toHaveLength(1);
    expect(first.salt).toHaveLength(32);
    expect(first.salt.equals(second.salt)).toBe(false);
    const print = first.prints[0];
    expect(print.includes(Buffer.from(token))).toBe(false);
    // not the bare SHA-256 of the token: a table of hashed guesses made for every store does not match it
    expect(print.equals(createHash('sha256').update(token).digest())).toBe(false);
    // the same token in another store: no correlation
    expect(print.equals(second.prints[0])).toBe(false);
    // with the salt (in the same file) a guess is confirmed: this protects against correlation, not guessing
    expect(print.equals(createHmac('sha256', first.salt).update(token).digest())).toBe(true);
    expect(print.equals(fingerprint(first.salt, token))).toBe(true);
    expect(print.equals(fingerprint(first.salt, `${token}x`))).toBe(false);
  });
});
