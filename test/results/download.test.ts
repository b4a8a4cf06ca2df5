/**
 * `fedimpute download` end to end, runDownload in this process against two Michigan emulators — layout, decrypted
 * contents against the emulator's expected results, re-runs that fetch nothing, manifest.json, unzip -P.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runDownload } from '../../src/commands/download.js';
import { startFederation, type Federation } from '../helpers/federation.js';
import { withDb } from '../helpers/store.js';
import { sha256, shareRequests, submitAndWatch, tree, type Submitted } from './setup.js';

let fed: Federation;
let job: Submitted;
beforeAll(async () => {
  fed = await startFederation({ michigan: [{}, {}] });
  job = await submitAndWatch(fed, '1,2');
});
afterAll(async () => fed?.close());

const RESULT_FILES = ['chr20.dose.vcf.gz', 'chr20.info.gz', 'qc_report.txt', 'quality-control.html', 'statistics/chunks-excluded.txt', 'statistics/snps-excluded.txt'];

// steps of one story: the first run fetches, the later ones find what it wrote (never shuffled)
describe('download', { shuffle: false }, () => {
  test('fetches, decrypts and records every file into <out>/<parent>-<name>/<service>/', async () => {
    const out = join(fed.dir, 'results');
    const result = await fed.call(runDownload, { parent: job.parentId.slice(0, 6), out });
    expect(result.stderr).toContain('12 files downloaded');
    expect(result.code).toBe(0);
    const folder = job.folder(out);
    expect(tree(folder)).toEqual(['manifest.json', ...['mich1', 'mich2'].flatMap((slug) => RESULT_FILES.map((file) => `${slug}/${file}`))].sort());
    for (const [slug, index] of [['mich1', 0], ['mich2', 1]] as const) {
      const expected = await fed.michigan[index].expectedResults(job.children[slug].remote);
      const dose = join(folder, slug, 'chr20.dose.vcf.gz');
      expect(sha256(dose)).toBe(expected.get('chr_20.zip/chr20.dose.vcf.gz')!.sha256);
      expect(sha256(join(folder, slug, 'chr20.info.gz'))).toBe(expected.get('chr_20.zip/chr20.info.gz')!.sha256);
      expect(sha256(join(folder, slug, 'statistics/snps-excluded.txt'))).toBe(expected.get('statistics/snps-excluded.txt')!.sha256);
      // stdout: one tab-separated line per finished file
      expect(result.stdout).toContain(`${slug}\tchr20.dose.vcf.gz\t${statSync(dose).size}\t${sha256(dose)}\n`);
    }
    expect(result.stdout.trim().split('\n')).toHaveLength(12);
    // each result file was fetched exactly once: 2 × (zip + 4 QC files)
    expect(shareRequests(fed)).toBe(10);
    const recorded = withDb(fed.db, (db) => db.prepare('SELECT name FROM downloads WHERE job_id = ? ORDER BY name').all(job.children.mich1.id)) as { name: string }[];
    expect(recorded.map((row) => row.name)).toEqual(['chr_20.zip', 'chr_20.zip/chr20.dose.vcf.gz', 'chr_20.zip/chr20.info.gz', 'qc_report.txt', 'quality-control.html', 'statistics/chunks-excluded.txt', 'statistics/snps-excluded.txt']);
  });

  test('manifest.json (mode 0600) describes inputs, options, children and every file', async () => {
    const path = join(job.folder(join(fed.dir, 'results')), 'manifest.json');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const manifest = JSON.parse(readFileSync(path, 'utf8'));
    expect(manifest.parent).toMatchObject({ id: job.parentId, name: 'study', status: 'completed' });
    expect(manifest.inputs).toEqual([expect.objectContaining({ name: 'study.vcf.gz', sha256: expect.stringMatching(/^[0-9a-f]{64}$/), size: expect.any(Number) })]);
    expect(manifest.options).toBeTypeOf('object');
    expect(manifest.children).toHaveLength(2);
    const child = manifest.children[0];
    expect(child).toMatchObject({
      id: job.children.mich1.id, service: { id: 1, slug: 'mich1', type: 'michigan' }, panel: { id: 37 }, remote_job_id: job.children.mich1.remote,
      status: 'completed', results_expire_at: expect.any(String), submitted_at: expect.any(String), completed_at: expect.any(String),
    });
    const dose = child.files.find((file: { name: string }) => file.name === 'chr_20.zip/chr20.dose.vcf.gz');
    expect(dose).toMatchObject({ path: 'mich1/chr20.dose.vcf.gz', sha256: sha256(join(job.folder(join(fed.dir, 'results')), 'mich1/chr20.dose.vcf.gz')) });
    // the zip was extracted and removed: listed with what was received, and said not to be on disk
    expect(child.files.find((file: { name: string }) => file.name === 'chr_20.zip')).toMatchObject({ archive: true, kept: false, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(readFileSync(path, 'utf8')).not.toContain(job.children.mich1.password);
  });

  test('a second run downloads nothing and does not touch the download counters', async () => {
    const before = shareRequests(fed);
    const result = await fed.call(runDownload, { parent: 'last', out: join(fed.dir, 'results') }, { json: true });
    expect(result.code).toBe(0);
    expect(shareRequests(fed)).toBe(before);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ parent_job_id: job.parentId, out_dir: join(fed.dir, 'results'), errors: [] });
    expect(report.files).toHaveLength(12);
    expect(new Set(report.files.map((file: { status: string }) => file.status))).toEqual(new Set(['skipped']));
    expect(report.files[0]).toEqual({
      child_id: expect.any(String), service_slug: expect.any(String), name: expect.any(String), path: expect.any(String),
      size: expect.any(Number), sha256: expect.stringMatching(/^[0-9a-f]{64}$/), status: 'skipped', note: expect.any(String),
    });
  });

  test('a missing file is fetched again, the rest skipped', async () => {
    const out = join(fed.dir, 'results');
    const { rmSync } = await import('node:fs');
    rmSync(join(job.folder(out), 'mich2', 'qc_report.txt'));
    const before = shareRequests(fed);
    const result = await fed.call(runDownload, { parent: 'last', out, child: 'mich2' });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^mich2\tqc_report.txt\t\d+\t[0-9a-f]{64}\n$/);
    expect(shareRequests(fed)).toBe(before + 1);
  });

  test.skipIf(!existsSync('/usr/bin/unzip'))('--keep-zips keeps chr_20.zip, and unzip -P opens it to the same bytes', async () => {
    const out = join(fed.dir, 'kept');
    const result = await fed.call(runDownload, { parent: 'last', out, child: 'mich1', keepZips: true });
    expect(result.code).toBe(0);
    const folder = join(job.folder(out), 'mich1');
    const zip = join(folder, 'chr_20.zip');
    expect(existsSync(zip)).toBe(true);
    const manifest = JSON.parse(readFileSync(join(job.folder(out), 'manifest.json'), 'utf8'));
    expect(manifest.children[0].files.find((file: { name: string }) => file.name === 'chr_20.zip')).toMatchObject({ path: 'mich1/chr_20.zip', archive: true, kept: true });
    const bytes = execFileSync('/usr/bin/unzip', ['-p', '-P', job.children.mich1.password, zip, 'chr20.dose.vcf.gz'], { maxBuffer: 256 << 20 });
    expect(bytes.equals(readFileSync(join(folder, 'chr20.dose.vcf.gz')))).toBe(true);
  });

  test('usage errors exit 2: unknown parent, unknown child', async () => {
    const unknown = await fed.call(runDownload, { parent: 'ffffffff' });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("no parent job matches 'ffffffff'");
    const child = await fed.call(runDownload, { parent: 'last', child: 'nosuch' });
    expect(child.code).toBe(2);
    expect(child.stderr).toContain("has no child 'nosuch'");
  });
});
