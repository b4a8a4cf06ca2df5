/** `jobs --json` is written by SQLite (src/store/read-model.ts): it must equal parentJson/childJson of output/jobs.ts. */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parentJson } from '../../src/output/jobs.js';
import { openDatabase } from '../../src/store/db.js';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { parentsJsonText } from '../../src/store/read-model.js';
import { Store } from '../../src/store/store.js';
import { tempDir } from '../helpers/cli.js';

const tmp = tempDir('fedimpute-jobsjson-');
afterAll(() => tmp.cleanup());

function reference(store: Store, filter: { status?: string; limit?: number } = {}) {
  const parents = store.jobs.listParents(filter);
  const children = store.jobs.childrenOf(parents.map((parent) => parent.id));
  return parents.map((parent) => parentJson(parent, children.get(parent.id) ?? []));
}

describe('parentsJsonText', () => {
  it('equals parentJson/childJson, key order included, for awkward values', () => {
    let clock = Date.parse('2025-07-01T00:00:00Z');
    const store = new Store(openDatabase(join(tmp.path, 'a.db')), () => new Date((clock += 1000)));
    const inputs = JSON.stringify([{ path: '/d/é "quoted"\\.vcf.gz', name: 'x.vcf.gz', size: 12_345_678_901, sha256: 'ab' }]);
    store.jobs.insertParent({ id: 'p1', name: 'tab\there "q" ünï', description: 'line\nbreak', input_files: inputs, options: '{"build":"hg19","r2Filter":0.3}' }, [
      { id: 'p1-b', name: null, service_id: 4, service_slug: 'ilifu', service_name: 'Ilifu', reference_panel_id: 39, panel_name: '1kg', submit_state: 'pending' },
      { id: 'p1-a', name: null, service_id: 1, service_slug: 'h3africa', service_name: 'H3A', reference_panel_id: 37, panel_name: 'H3A v6' },
      { id: 'p1-c', name: null, service_id: 1, service_slug: 'h3africa', service_name: 'H3A', reference_panel_id: 38, panel_name: '1kg' },
    ]);
    store.updateChild('p1-a', { status: 'running', progress: 100 / 3, step: 'Imputation (1/3) – “ok”', queue_position: 0 });
    store.updateChild('p1-b', { status: 'failed', last_error: 'boom\u0001', progress: 12.5 });
    store.jobs.insertParent({ id: 'p2', name: null }, []);
    store.jobs.insertParent({ id: 'p3', name: 'done' }, [{ id: 'p3-a', name: null, service_id: 2, status: 'completed', progress: 100 }]);

    const check = (filter: { status?: string; limit?: number } = {}) => {
      const text = parentsJsonText(store.db, filter);
      const expected = reference(store, filter);
      expect(JSON.parse(text)).toEqual(expected);
      // key order too: compare re-serialised documents
      expect(JSON.stringify(JSON.parse(text))).toBe(JSON.stringify(expected));
      return expected;
    };
    expect(check().map((job) => job.id)).toEqual(['p3', 'p2', 'p1']);
    expect(check({ limit: 2 }).map((job) => job.id)).toEqual(['p3', 'p2']);
    expect(check({ status: 'failed' }).map((job) => job.id)).toEqual(['p1']);
    expect(check({ status: 'canceled' })).toEqual([]);
    // integral progress is written as JSON.stringify writes it (100, not 100.0)
    expect(parentsJsonText(store.db, { status: 'completed' })).toContain('"progress":100,');
    store.close();
  });

  it('an empty store gives []', () => {
    const store = new Store(openDatabase(join(tmp.path, 'b.db')));
    expect(parentsJsonText(store.db)).toBe('[]');
    store.close();
  });

  it('a store from before job_docs gets every document on migration', () => {
    const path = join(tmp.path, 'old.db');
    // rows as fedimpute wrote them before migration 4
    const old = openDatabase(path, MIGRATIONS.slice(0, 3));
    const insert = old.prepare('INSERT INTO jobs (id, parent_job_id, name, service_id, status, progress, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    insert.run('o1', null, 'old one', null, 'running', 20, '2025-08-01T00:00:01Z', '2025-08-01T00:00:01Z');
    insert.run('o1-a', 'o1', null, 1, 'running', 40, '2025-08-01T00:00:01Z', '2025-08-01T00:00:01Z');
    insert.run('o2', null, 'old two', null, 'queued', 0, '2025-08-01T00:00:02Z', '2025-08-01T00:00:02Z');
    insert.run('o2-a', 'o2', null, 2, 'queued', 0, '2025-08-01T00:00:02Z', '2025-08-01T00:00:02Z');
    old.close();
    const store = new Store(openDatabase(path));
    expect(JSON.parse(parentsJsonText(store.db))).toEqual(reference(store));
    expect(reference(store).map((job) => job.id)).toEqual(['o2', 'o1']);
    store.close();
  });
});
