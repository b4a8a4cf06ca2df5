/** The SQLite store: creation, migrations, file mode, and the Store methods' rules. */
import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, UsageError } from '../../src/errors.js';
import { openDatabase } from '../../src/store/db.js';
import { MIGRATIONS, SCHEMA_VERSION } from '../../src/store/migrations.js';
import { Store, type NewJob } from '../../src/store/store.js';
import { resolveParent } from '../../src/lifecycle/resolve.js';
import { tempDir } from '../helpers/cli.js';
import { session } from '../helpers/harness.js';
import { dumpStore, jobRows } from '../helpers/store.js';

const require = createRequire(import.meta.url);
const Sqlite = require('better-sqlite3') as typeof BetterSqlite3;
const tmp = tempDir('fedimpute-store-');
afterAll(() => tmp.cleanup());
let counter = 0;
const fresh = () => join(tmp.path, `store-${++counter}`, 'fedimpute.db');
const mode = (path: string) => statSync(path).mode & 0o777;

/** a clock that ticks one second per call, so created_at orders rows */
function ticking(start = Date.parse('2025-03-01T10:00:00Z')) {
  let now = start;
  return () => new Date((now += 1000));
}

function parentWith(id: string, serviceIds: number[] = [1, 2, 4]): [NewJob, NewJob[]] {
  return [
    { id, name: `study ${id.slice(0, 4)}`, input_files: JSON.stringify([{ path: '/d/a.vcf.gz', name: 'a.vcf.gz', size: 10, sha256: 'ab' }]), options: '{"build":"hg38"}' },
    serviceIds.map((serviceId) => ({
      id: `${id.slice(0, 8)}-child-${serviceId}`,
      name: null,
      service_id: serviceId,
      service_slug: `s${serviceId}`,
      service_name: `Service ${serviceId}`,
      reference_panel_id: 30 + serviceId,
      panel_name: `panel ${30 + serviceId}`,
      submit_state: 'pending',
    })),
  ];
}

function openStore(path = fresh()) {
  return { path, store: new Store(openDatabase(path), ticking()) };
}

describe('opening', () => {
  it('creates a fresh store: tables, user_version, WAL, mode 0600', () => {
    const { path, store } = openStore();
    const tables = store.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
    expect(tables).toEqual(['download_claims', 'downloads', 'job_attempts', 'job_checks', 'job_docs', 'job_events', 'jobs', 'sqlite_sequence', 'sweep_salt', 'swept_tokens']);
    expect(store.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(SCHEMA_VERSION).toBe(MIGRATIONS.length);
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    store.close();
    expect(mode(path)).toBe(0o600);
  });

  it('reopening keeps the data', () => {
    const { path, store } = openStore();
    store.jobs.insertParent(...parentWith('aaaa1111-0000-4000-8000-000000000000'));
    store.close();
    const again = new Store(openDatabase(path));
    expect(again.jobs.listParents().map((row) => row.id)).toEqual(['aaaa1111-0000-4000-8000-000000000000']);
    expect(again.children('aaaa1111-0000-4000-8000-000000000000')).toHaveLength(3);
    again.close();
  });

  it('migrates an older store and keeps its rows', () => {
    const path = fresh();
    openDatabase(path, MIGRATIONS.slice(0, 1)).close();
    const old = new Sqlite(path);
    expect(old.pragma('user_version', { simple: true })).toBe(1);
    old
      .prepare(`INSERT INTO jobs (id, name, status, progress, created_at, updated_at) VALUES ('old-parent', 'kept', 'running', 50, '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z')`)
      .run();
    old.close();
    const db = openDatabase(path);
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(db.prepare("SELECT id, name, status, progress, attempt, submit_state FROM jobs").all()).toEqual([
      { id: 'old-parent', name: 'kept', status: 'running', progress: 50, attempt: 1, submit_state: null },
    ]);
    expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'job_attempts'").pluck().get()).toBe(1);
    db.close();
  });

  it('refuses a store written by a newer fedimpute, and leaves it alone', () => {
    const path = fresh();
    openDatabase(path).close();
    const newer = new Sqlite(path);
    newer.pragma('user_version = 99');
    newer.close();
    const before = dumpStore(path);
    let error: unknown;
    try {
      openDatabase(path);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toBe(
      `the job store ${path} was written by a newer fedimpute (schema 99, this one knows ${SCHEMA_VERSION})`,
    );
    expect((error as ConfigError).message).toContain('written by a newer fedimpute');
    expect(dumpStore(path)).toBe(before);
  });

  it('a command creates the store 0600: --db, $FEDIMPUTE_DB, and $XDG_DATA_HOME/fedimpute/fedimpute.db', async () => {
    const runCli = (argv: string[], io: { env?: Record<string, string> } = {}) => session({ cwd: tmp.path, env: io.env }).cli(argv);
    const flag = fresh();
    expect((await runCli(['jobs', '--json', '--db', flag])).code).toBe(0);
    expect(mode(flag)).toBe(0o600);

    const fromEnv = fresh();
    expect((await runCli(['jobs', '--json'], { env: { FEDIMPUTE_DB: fromEnv } })).code).toBe(0);
    expect(mode(fromEnv)).toBe(0o600);

    const dataHome = join(tmp.path, 'xdg-data');
    expect((await runCli(['jobs', '--json'], { env: { XDG_DATA_HOME: dataHome } })).code).toBe(0);
    const defaultPath = join(dataHome, 'fedimpute', 'fedimpute.db');
    expect(mode(defaultPath)).toBe(0o600);
    expect(statSync(join(dataHome, 'fedimpute')).mode & 0o777).toBe(0o700);
  });
});

describe('Store', () => {
  const P = 'b0b0cafe-0000-4000-8000-000000000001';

  it('insertParent records parent and children, aggregates, and appends job_events', () => {
    const { path, store } = openStore();
    store.jobs.insertParent(...parentWith(P));
    const parent = store.get(P)!;
    expect(parent).toMatchObject({ parent_job_id: null, status: 'queued', progress: 0, settled: 0, message: '0/3 jobs completed, 0 failed, 0 running, 3 queued' });
    expect(store.children(P).map((row) => [row.service_id, row.status, row.parent_job_id])).toEqual([
      [1, 'queued', P],
      [2, 'queued', P],
      [4, 'queued', P],
    ]);
    expect(store.jobs.events(P).map((event) => [event.from_status, event.to_status, event.reason])).toEqual([[null, 'queued', 'created']]);
    expect(jobRows(path)).toHaveLength(4);
    store.close();
  });

  it('updateChild: status moves forward, parent follows, terminal never regresses', () => {
    const { store } = openStore();
    store.jobs.insertParent(...parentWith(P, [1, 2]));
    const [first, second] = store.children(P);
    let change = store.updateChild(first.id, { status: 'running', progress: 40, remote_job_id: 'job-1' });
    expect(change.after).toMatchObject({ status: 'running', progress: 40, remote_job_id: 'job-1' });
    expect(change.after.started_at).not.toBeNull();
    expect(change.parentAfter).toMatchObject({ status: 'running', progress: 20 });
    expect(change.parentAfter.started_at).toBe(change.after.started_at);

    // an older poll saying "queued" does not move a running child back
    change = store.updateChild(first.id, { status: 'queued' });
    expect(change.after.status).toBe('running');

    change = store.updateChild(first.id, { status: 'completed', progress: 100 });
    expect(change.after.completed_at).not.toBeNull();
    change = store.updateChild(first.id, { status: 'failed', message: 'late news' });
    expect(change.after.status).toBe('completed');
    change = store.updateChild(first.id, { status: 'running' });
    expect(change.after.status).toBe('completed');

    change = store.updateChild(second.id, { status: 'failed', last_error: 'bad input' });
    expect(change.parentAfter).toMatchObject({ status: 'failed', settled: 1, message: '1/2 jobs completed, 1 failed, 0 running' });
    expect(change.parentAfter.completed_at).not.toBeNull();
    expect(store.jobs.events(first.id).map((event) => `${event.from_status}→${event.to_status}`)).toEqual([
      'null→queued',
      'queued→running',
      'running→completed',
    ]);
    // completed + queued is `queued` by the seed's table, hence the step back before `failed`
    expect(store.jobs.events(P).map((event) => event.to_status)).toEqual(['queued', 'running', 'queued', 'failed']);
    store.close();
  });

  it('reopenForRetry records the attempt and makes the child queued again', () => {
    const { store } = openStore();
    store.jobs.insertParent(...parentWith(P, [1]));
    const [child] = store.children(P);
    store.updateChild(child.id, { status: 'failed', remote_job_id: 'job-old', last_error: 'QC failed', submit_state: 'submitted' });
    const change = store.jobs.reopenForRetry(child.id);
    expect(change.after).toMatchObject({ status: 'queued', attempt: 2, remote_job_id: null, submit_state: 'pending', completed_at: null, last_error: null });
    expect(change.parentAfter).toMatchObject({ status: 'queued', settled: 0, completed_at: null });
    expect(store.jobs.attempts(child.id)).toEqual([
      expect.objectContaining({ job_id: child.id, attempt: 1, remote_job_id: 'job-old', status: 'failed', message: 'QC failed' }),
    ]);
    expect(store.jobs.events(child.id).at(-1)).toMatchObject({ from_status: 'failed', to_status: 'queued', reason: 'retry (attempt 2)' });
    store.close();
  });

  describe('resolveParent', () => {
    const { store } = openStore();
    const ids = ['abcd1234-0000-4000-8000-000000000001', 'abcd5678-0000-4000-8000-000000000002', 'ffff0000-0000-4000-8000-000000000003'];
    for (const id of ids) store.jobs.insertParent(...parentWith(id, [1]));
    afterAll(() => store.close());

    const usage = (reference: string) => {
      try {
        resolveParent(store, reference);
      } catch (error) {
        expect(error).toBeInstanceOf(UsageError);
        return [(error as UsageError).message, (error as UsageError).hint];
      }
      throw new Error('expected a UsageError');
    };

    it('last, a full id, a unique prefix of ≥4', () => {
      expect(resolveParent(store, 'last').id).toBe(ids[2]);
      expect(resolveParent(store, ids[1]).id).toBe(ids[1]);
      expect(resolveParent(store, 'abcd1').id).toBe(ids[0]);
      expect(resolveParent(store, 'ffff').id).toBe(ids[2]);
    });
    it('too short, unknown, ambiguous', () => {
      expect(usage('abc')).toEqual(["job id 'abc' is too short", 'give at least 4 characters, or `last`']);
      expect(usage('9999')).toEqual(["no parent job matches '9999'", 'list the jobs and their ids: fedimpute jobs']);
      expect(usage('abcd')).toEqual(["job id 'abcd' is ambiguous: it matches abcd1234, abcd5678", 'give more characters of the id']);
      expect(usage('ab%d')).toEqual(["no parent job matches 'ab%d'", 'list the jobs and their ids: fedimpute jobs']);
      // a child id is not a parent
      expect(usage('abcd1234-child')).toEqual(["no parent job matches 'abcd1234-child'", 'list the jobs and their ids: fedimpute jobs']);
    });
    it('`last` on an empty store', () => {
      const empty = openStore().store;
      expect(() => resolveParent(empty, 'last')).toThrow('there are no jobs yet');
      empty.close();
    });
  });

  it('claimSubmission: pending → claimed; refused while the owner lives; a dead owner → reclaimed as unconfirmed', () => {
    const { store } = openStore();
    store.jobs.insertParent(...parentWith(P, [1]));
    const [child] = store.children(P);
    const alive = new Set(['pid:100']);
    const isAlive = (owner: string) => alive.has(owner);

    expect(store.leases.claim(child.id, 'pid:100', 60_000, isAlive)).toEqual({ claimed: true, previous: 'pending', held: { submit_state: 'pending', lease_until: null } });
    const leased = store.get(child.id)!;
    expect(leased).toMatchObject({ submit_state: 'submitting', lease_owner: 'pid:100' });
    expect(store.leases.claim(child.id, 'pid:200', 60_000, isAlive)).toMatchObject({ claimed: false, previous: 'submitting' });
    expect(store.get(child.id)!.lease_owner).toBe('pid:100');

    // the abandoned lease as it was is handed over: the resubmission rule reads its last renewal from it
    alive.delete('pid:100');
    expect(store.leases.claim(child.id, 'pid:200', 60_000, isAlive)).toEqual({
      claimed: true, previous: 'unconfirmed', held: { submit_state: 'submitting', lease_until: leased.lease_until },
    });
    expect(store.get(child.id)).toMatchObject({ submit_state: 'submitting', lease_owner: 'pid:200' });

    store.updateChild(child.id, { remote_job_id: 'job-9', submit_state: 'submitted' });
    expect(store.leases.claim(child.id, 'pid:300', 60_000, () => false)).toMatchObject({ claimed: false, previous: 'submitted' });
    store.close();
  });
});

describe('job_events: what poll and watch report is read from them', () => {
  const P = 'e0e0cafe-0000-4000-8000-000000000002';

  it('each event records what the job showed after it; changesSince gives this connection\'s own Changes', () => {
    const { store } = openStore();
    store.jobs.insertParent(...parentWith(P, [1]));
    const [child] = store.children(P);
    const mark = store.jobs.mark();
    store.updateChild(child.id, { remote_job_id: 'job-7', submit_state: 'submitted', message: 'submitted' });
    store.updateChild(child.id, { status: 'failed', last_error: 'QC failed', progress: 30 });
    expect(store.jobs.events(child.id).slice(1).map(({ from_status, to_status, message, progress, remote_job_id, submit_state }) => ({ from_status, to_status, message, progress, remote_job_id, submit_state }))).toEqual([
      { from_status: 'queued', to_status: 'queued', message: 'submitted', progress: 0, remote_job_id: 'job-7', submit_state: 'submitted' },
      { from_status: 'queued', to_status: 'failed', message: 'QC failed', progress: 30, remote_job_id: 'job-7', submit_state: 'submitted' },
    ]);
    const changes = store.jobs.changesSince(mark);
    expect(changes.map((change) => [change.kind, change.from, change.to, change.message])).toEqual([
      ['child', 'queued', 'queued', 'submitted'],
      ['child', 'queued', 'failed', 'QC failed'],
      ['parent', 'queued', 'failed', '0/1 jobs completed, 1 failed, 0 running'],
    ]);
    expect(changes[0]).toMatchObject({ id: child.id, parent_id: P, service_slug: 's1', remote_job_id: 'job-7' });
    // another connection to the same file sees the events, not this one's Changes
    const other = new Store(store.db);
    expect(other.jobs.changesSince(other.jobs.mark())).toEqual([]);
    store.close();
  });

  it('statusSince: when each job entered its current status, news of the same status not counted', () => {
    const { store } = openStore();
    store.jobs.insertParent(...parentWith(P, [1, 2]));
    const [first, second] = store.children(P);
    store.updateChild(first.id, { status: 'running', remote_job_id: 'a', submit_state: 'submitted' });
    const running = store.jobs.events(first.id).at(-1)!.at;
    store.updateChild(first.id, { submit_state: 'unconfirmed' });
    const since = store.jobs.statusSince([first.id, second.id]);
    expect(since.get(first.id)).toBe(running);
    expect(since.get(second.id)).toBe(store.jobs.events(second.id)[0].at);
    store.close();
  });
});

describe('the JSON columns are decoded, not cast', () => {
  const row = (input_files: string | null, options: string | null = null) => ({ id: 'abcd1234-0000', input_files, options });

  it('inputs: the records, a missing name or hash as empty', async () => {
    const { inputsOf } = await import('../../src/store/columns.js');
    expect(inputsOf(row('[{"path":"/d/a.vcf.gz","size":3}]'))).toEqual([{ path: '/d/a.vcf.gz', name: '', size: 3, sha256: '' }]);
    expect(inputsOf(row(null))).toEqual([]);
  });

  it('damaged values: one clear error naming the job', async () => {
    const { inputsOf, optionsOf } = await import('../../src/store/columns.js');
    expect(() => inputsOf(row('{oops'))).toThrow("the job store's inputs of job abcd1234 is not JSON");
    expect(() => inputsOf(row('{"path":1}'))).toThrow("inputs of job abcd1234 are not a list");
    expect(() => inputsOf(row('[{"name":"x"}]'))).toThrow('have no path and size at entry 0');
    expect(() => optionsOf(row(null, '{"build":"hg37","phasing":"eagle","mode":"imputation"}'))).toThrow('name no build (hg19 or hg38)');
    expect(() => optionsOf(row(null, '[]'))).toThrow(ConfigError);
    expect(optionsOf(row(null, '{"build":"hg38","phasing":"no_phasing","mode":"qc-only","population":"afr","services":"1,2"}'))).toEqual({
      build: 'hg38', phasing: 'no_phasing', mode: 'qc-only', population: 'afr',
    });
  });
});
