/**
 * Every way a download can fail gives one clear message, exit 1, and leaves no half-written file; the other
 * files and children go on. Each case has its own federation (they change the emulator or the store), so
 * they run side by side.
 */
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readdirSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { runDownload } from '../../src/commands/download.js';
import { runSubmit } from '../../src/commands/submit.js';
import { runWatch } from '../../src/commands/watch.js';
import { shownMessage } from '../../src/domain/display.js';
import { jobRows } from '../helpers/store.js';
import { spawnCli } from '../helpers/cli.js';
import { startFederation, type Federation, type FederationOptions } from '../helpers/federation.js';
import { until } from '../helpers/until.js';
import { sha256, shareRequests, submitAndWatch, tree } from './setup.js';
import { readFileSync } from 'node:fs';

const require = createRequire(import.meta.url);
const Sqlite = require('better-sqlite3') as typeof import('better-sqlite3');

const opened: { close(): Promise<void> }[] = [];
afterAll(async () => {
  for (const resource of opened.reverse()) await resource.close();
});

async function setup(options: FederationOptions = {}) {
  const fed = await startFederation(options);
  opened.push(fed);
  const job = await submitAndWatch(fed, '1');
  const out = join(fed.dir, 'out');
  return { fed, job, out, folder: join(job.folder(out), 'mich1') };
}

/** route mich1 through a proxy that can cut or hold result transfers */
const throughProxy = (federation: Federation) => federation.proxy(0);

const leftovers = (folder: string) => (existsSync(folder) ? tree(folder).filter((file) => file.endsWith('.part')) : []);

describe.concurrent('download failures', () => {
  test('exhausted download counter: a clear error naming the file, no request spent', async () => {
    const { fed, out, folder } = await setup({ michigan: [{ downloadLimit: 0 }] });
    const result = await fed.call(runDownload, { parent: 'last', out });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('error: mich1: chr_20.zip: the server allows no more downloads of this file (0 downloads left)');
    expect(result.stderr).toContain('error: mich1: qc_report.txt: the server allows no more downloads');
    expect(shareRequests(fed)).toBe(0);
    expect(leftovers(folder)).toEqual([]);
  });

  test('wrong stored password: cannot decrypt, zip kept; with the right one the next run extracts without fetching', async () => {
    const { fed, job, out, folder } = await setup();
    const db = new Sqlite(fed.db);
    db.prepare('UPDATE jobs SET result_password = ? WHERE id = ?').run('WrongPassword0000000', job.children.mich1.id);
    const result = await fed.call(runDownload, { parent: 'last', out });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('error: mich1: cannot decrypt chr_20.zip: wrong password (the password stored for this job does not open it); the downloaded zip is kept at');
    expect(tree(folder)).toEqual(['chr_20.zip', 'qc_report.txt', 'quality-control.html', 'statistics/chunks-excluded.txt', 'statistics/snps-excluded.txt']);
    db.prepare('UPDATE jobs SET result_password = ? WHERE id = ?').run(job.children.mich1.password, job.children.mich1.id);
    db.close();
    const before = shareRequests(fed);
    const again = await fed.call(runDownload, { parent: 'last', out });
    expect(again.code).toBe(0);
    expect(shareRequests(fed)).toBe(before);
    const expected = await fed.michigan[0].expectedResults(job.children.mich1.remote);
    expect(sha256(join(folder, 'chr20.dose.vcf.gz'))).toBe(expected.get('chr_20.zip/chr20.dose.vcf.gz')!.sha256);
    expect(existsSync(join(folder, 'chr_20.zip'))).toBe(false);
  });

  test('an output that vanished on the server (404) fails alone', async () => {
    const { fed, job, out, folder } = await setup();
    fed.michigan[0].deleteOutputFile(job.children.mich1.remote, 'qc_report.txt');
    const result = await fed.call(runDownload, { parent: 'last', out });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('error: mich1: qc_report.txt is no longer on the server (HTTP 404)');
    expect(result.stderr).toContain('1 failed');
    expect(tree(folder)).toEqual(['chr20.dose.vcf.gz', 'chr20.info.gz', 'quality-control.html', 'statistics/chunks-excluded.txt', 'statistics/snps-excluded.txt']);
  });

  test('a transfer reset mid-body (chunked, no Content-Length) leaves nothing; the next run completes', async () => {
    const { fed, out, folder } = await setup({ michigan: [{ syntheticResultBytes: 4 << 20 }] });
    const proxy = await throughProxy(fed);
    proxy.options.cutAfter = 1 << 20;
    const result = await fed.call(runDownload, { parent: 'last', out, concurrency: 1 });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/error: mich1: transfer of chr_20\.zip broke off after [\d.]+ (KB|MB).*nothing was kept, run download again/);
    expect(leftovers(folder)).toEqual([]);
    expect(existsSync(join(folder, 'chr_20.zip'))).toBe(false);
    proxy.options.cutAfter = undefined;
    const again = await fed.call(runDownload, { parent: 'last', out });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^mich1\tchr20.dose.vcf.gz\t/m);
  });

  test('fewer bytes than Content-Length is a truncated transfer', async () => {
    const { fed, out, folder } = await setup({ michigan: [{ syntheticResultBytes: 2 << 20, chunked: false }] });
    const proxy = await throughProxy(fed);
    proxy.options.cutAfter = 300_000;
    const result = await fed.call(runDownload, { parent: 'last', out, child: 'mich1' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/transfer of chr_20\.zip broke off after [\d.]+ KB of [\d.]+ MB/);
    expect(leftovers(folder)).toEqual([]);
  });

  // Honest ENOSPC without root or a small tmpfs: the part file is a symlink to /dev/full, whose writes
  // fail with ENOSPC from the kernel — the real error path, not a mock.
  test.skipIf(!existsSync('/dev/full'))('a full disk (ENOSPC) names the file and leaves no part file', async () => {
    const { fed, out, folder } = await setup();
    mkdirSync(folder, { recursive: true });
    symlinkSync('/dev/full', join(folder, '.chr_20.zip.part'));
    const result = await fed.call(runDownload, { parent: 'last', out });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`error: mich1: no space left on device while writing ${join(folder, 'chr_20.zip')}; free some space and run \`fedimpute download\` again`);
    expect(leftovers(folder)).toEqual([]);
    expect(existsSync(join(folder, 'qc_report.txt'))).toBe(true);
  });

  test('a download killed mid-transfer leaves only a .part that the next run replaces', async () => {
    const { fed, out, folder } = await setup({ michigan: [{ syntheticResultBytes: 4 << 20 }] });
    const proxy = await throughProxy(fed);
    // the transfer stops after 1 MiB until the test lets it go: the kill surely lands mid-transfer
    proxy.options.holdAfter = 1 << 20;
    // a process of its own: only a process can be killed mid-transfer
    const child = spawnCli(['download', 'last', '--out', out], { cwd: fed.dir, env: fed.spawnEnv() });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const part = join(folder, '.chr_20.zip.part');
    await until(() => existsSync(part) && statSync(part).size > 100_000, 'the transfer to be written to its part file');
    child.kill('SIGKILL');
    await exited;
    expect(leftovers(folder)).toContain('.chr_20.zip.part');
    proxy.release();
    const again = await fed.call(runDownload, { parent: 'last', out });
    expect(again.code).toBe(0);
    expect(leftovers(folder)).toEqual([]);
    expect(tree(folder)).toContain('chr20.dose.vcf.gz');
  });

  test('a retired job (results deleted by the server) is refused', async () => {
    const { fed, job, out } = await setup();
    await fed.michigan[0].setState(job.children.mich1.remote, 7);
    const result = await fed.call(runDownload, { parent: 'last', out });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/error: mich1: mich1 deleted the results of job job-[\d-]+ .*\(retention period over, remote state 7\); they can no longer be downloaded/);
    expect(shareRequests(fed)).toBe(0);
  });

  test('a failed job: what it published comes home, and the manifest shows why it failed (the display rule)', async () => {
    const fed = await startFederation({ michigan: [{}] });
    opened.push(fed);
    fed.michigan[0].scriptNext({ fail: 'Chromosome 20: too few variants passed QC' });
    const vcf = await fed.vcf('study.vcf.gz');
    expect((await fed.call(runSubmit, { files: [vcf], services: '1' })).code).toBe(0);
    expect((await fed.call(runWatch, { parent: 'last', interval: '0.1' })).code).toBe(3);
    const out = join(fed.dir, 'out');
    const result = await fed.call(runDownload, { parent: 'last', out });
    expect(result.code, result.stderr).toBe(0);
    const [child] = jobRows(fed.db).filter((row) => row.parent_job_id !== null);
    expect(child.status).toBe('failed');
    const manifest = JSON.parse(readFileSync(join(out, readdirSync(out)[0], 'manifest.json'), 'utf8'));
    expect(manifest.children[0].message).toBe(shownMessage(child as never));
    expect(manifest.children[0].message).toContain('too few variants passed QC');
  });

  test('a completed job whose files are not published yet is a note, not a failure', async () => {
    const { fed, out } = await setup({ michigan: [{ timing: { filesDelayMs: 60_000 } }] });
    const result = await fed.call(runDownload, { parent: 'last', out });
    expect(result.stderr).toContain('mich1: results not published yet; try again in a minute');
    expect(result.code).toBe(0);
  });
});
