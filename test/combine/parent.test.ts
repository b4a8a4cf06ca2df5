/**
 * combine <parent>: the completed children's downloaded results, found through the store, one output per
 * chromosome in combined/ beside them. The store and result folders are made by hand here; the flow through
 * the emulators (submit → watch → download → combine) is in sandbox.test.ts.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCombine } from '../../src/commands/combine.js';
import { dumpStore } from '../helpers/store.js';
import { combineSession, hdsOf, readRecords } from './fixtures.js';
import { PARENT, rows, setupParent, type ChildSpec } from './parent-setup.js';

let dir: string;
let results: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fedimpute-combine-parent-'));
  results = join(dir, 'results', '0badcafe-study');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const setup = (children: ChildSpec[]) => setupParent(dir, results, children);

describe('combine <parent>', () => {
  it('one file per chromosome in combined/ beside the results; combine.json names the children', async () => {
    const db = await setup([
      { slug: 'h3africa', files: { '20': rows(10, 20, 30, 40), '21': rows(5) }, empirical: true, zipped: true, options: { r2Filter: '0', meta: true } },
      { slug: 'ilifu', files: { '20': rows(10, 20, 35, 40) }, empirical: true, options: { meta: true } },
      { slug: 'broken', status: 'failed', files: {} },
    ]);
    const { code, stdout, stderr } = await combineSession(dir, db).call(runCombine, { parent: '0bad' }, { json: true });
    expect(code).toBe(0);
    const combined = join(results, 'combined');
    const summary = JSON.parse(readFileSync(join(combined, 'combine.json'), 'utf8'));
    expect(JSON.parse(stdout)).toEqual(summary);
    expect(summary).toMatchObject({ parent_job_id: PARENT, method: 'meta', absent: 'fixed', variants: 6, by_method: { meta: 5, 'best-r2': 0, single: 1 } });
    expect(summary.sources.map((source: { label: string; child_id: string; service_slug: string }) => [source.label, source.child_id, source.service_slug])).toEqual([
      ['h3africa', 'child-0', 'h3africa'],
      ['ilifu', 'child-1', 'ilifu'],
    ]);
    expect(summary.outputs.map((output: { path: string }) => output.path)).toEqual([join(combined, 'chr20.combined.dose.vcf.gz'), join(combined, 'chr21.combined.dose.vcf.gz')]);
    const chr21 = await readRecords(join(combined, 'chr21.combined.dose.vcf.gz'));
    expect(hdsOf(chr21.records[0])).toEqual([[0.2, 0.4], [0.6, 0.8]]);
    // the chromosome one child lacks is its own job: no warning about chr21 mixing in nothing
    const chr20 = await readRecords(join(combined, 'chr20.combined.dose.vcf.gz'));
    expect(chr20.records.map((record) => record[1])).toEqual(['10', '20', '30', '35', '40']);
    expect(stderr).toMatch(/method: meta/);
  });

  it('a child submitted with an R² filter makes absent variants renormalize; without --meta the method is best-r2, with the fix', async () => {
    const db = await setup([
      { slug: 'h3africa', files: { '20': rows(10) }, options: { r2Filter: '0.3' } },
      { slug: 'ilifu', files: { '20': rows(10) }, empirical: true, options: { meta: true } },
    ]);
    const { stderr } = await combineSession(dir, db).call(runCombine, { parent: 'last' });
    expect(stderr).toMatch(/method: best-r2 \(h3africa has no leave-one-out \(empiricalDose\) dosages; for meta-imputation resubmit with fedimpute submit --meta/);
    const summary = JSON.parse(readFileSync(join(results, 'combined', 'combine.json'), 'utf8'));
    expect(summary).toMatchObject({ method: 'best-r2', absent: 'renormalize', absent_reason: 'filtered by R²: h3africa (R² ≥ 0.3), so a missing variant says nothing' });
  });

  it('a child asked for --meta whose engine wrote no leave-one-out dosages: best-r2, and the fix is another engine, not --meta', async () => {
    const db = await setup([
      { slug: 'h3africa', files: { '20': rows(10) }, empirical: true, options: { meta: true } },
      { slug: 'beagle-node', files: { '20': rows(10) }, options: { meta: true } },
    ]);
    const fallback = await combineSession(dir, db).call(runCombine, { parent: PARENT });
    expect(fallback.stderr).toMatch(/^method: best-r2 \(beagle-node was asked for leave-one-out dosages \(--meta\) but wrote none; for meta-imputation impute with an engine that writes them \(Minimac4 with -e; Beagle has no such output\), e\.g\. another panel or service\)$/m);
    const refused = await combineSession(dir, db).call(runCombine, { parent: PARENT, method: 'meta', out: 'refused' });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^error: cannot meta-impute: beagle-node was asked for leave-one-out dosages \(--meta\) but wrote none\n  → impute with an engine that writes them .*; or use --method best-r2\n$/);
  });

  it('--region: one chromosome, named for the region, into --out', async () => {
    const db = await setup([
      { slug: 'a', files: { '20': rows(10, 20, 30), '21': rows(5) }, empirical: true },
      { slug: 'b', files: { '20': rows(10, 20, 30), '21': rows(5) }, empirical: true },
    ]);
    expect((await combineSession(dir, db).call(runCombine, { parent: PARENT, region: 'chr20:15-25', out: 'parts' })).code).toBe(0);
    const part = await readRecords(join(dir, 'parts', 'chr20_15-25.combined.dose.vcf.gz'));
    expect(part.records.map((record) => record[1])).toEqual(['20']);
  });

  it('refuses a parent with nothing to combine, saying why', async () => {
    const db = await setup([
      { slug: 'a', files: { '20': rows(10) } },
      { slug: 'b', status: 'failed', files: {} },
    ]);
    const before = dumpStore(db);
    const { code, stderr } = await combineSession(dir, db).call(runCombine, { parent: PARENT });
    expect(dumpStore(db)).toBe(before);
    expect([code, stderr]).toEqual([2, 'error: combine needs the results of at least two services; 0badcafe has usable results from a\n']);
  });
});
