/**
 * The command line as users and cron see it: exit codes, streams, TTY and pipe renderings, EPIPE. What only
 * the binary shows (help and version, commander's own errors, a pseudo-terminal, a closed pipe) runs the
 * binary; the rest runs the same argv through `execute` in this process.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/db.js';
import { Store } from '../../src/store/store.js';
import { filledStore } from '../helpers/filled.js';
import { cleanEnv, ROOT, runCli, runTty as runTtyWith, tempDir, type CliResult } from '../helpers/cli.js';
import { session } from '../helpers/harness.js';

const tmp = tempDir('fedimpute-cli-');
afterAll(() => tmp.cleanup());
const EXAMPLE = join(tmp.path, 'services.yaml');
copyFileSync(join(ROOT, 'services.example.yaml'), EXAMPLE);
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/;
const STACK = /^ {4}at /m;

/** an argv as the binary runs it, in this process (no inherited FEDIMPUTE_* or XDG variables) */
const cli = (args: string[], options: { env?: Record<string, string> } = {}): Promise<CliResult> => session({ cwd: ROOT, env: options.env }).cli(args);

/** run the binary under a pseudo-terminal (shared helper), here with env only */
const runTty = (args: string[], env: Record<string, string> = {}): Promise<CliResult> => runTtyWith(args, { env });

describe('basics', () => {
  it('--help and --version exit 0', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: fedimpute \[options\] \[command\]/);
    expect(help.stdout).toContain('jobs');
    const version = await runCli(['--version']);
    expect(version).toEqual({ code: 0, stdout: '0.1.0\n', stderr: '' });
  });

  it('unknown command and unknown option: exit 2, commander message, no stack', async () => {
    const command = await runCli(['bogus']);
    expect(command).toEqual({ code: 2, stdout: '', stderr: "error: unknown command 'bogus'\n(run `fedimpute --help` for usage)\n" });
    const option = await runCli(['jobs', '--bogus']);
    expect(option).toEqual({ code: 2, stdout: '', stderr: "error: unknown option '--bogus'\n(run `fedimpute --help` for usage)\n" });
  });

  it('jobs on an empty store: a friendly line on stderr, exit 0; --json gives {"jobs":[]}', async () => {
    const db = join(tmp.path, 'empty.db');
    expect(await cli(['jobs', '--db', db])).toEqual({
      code: 0,
      stdout: '',
      stderr: 'No jobs yet. Submit one with: fedimpute submit --services 1,4 file.vcf.gz\n',
    });
    expect(await cli(['jobs', '--json', '--db', db])).toEqual({ code: 0, stdout: '{"jobs":[]}\n', stderr: '' });
  });

  it('a bad registry: exit 2, the message, no stack trace; --verbose adds it', async () => {
    const bad = join(tmp.path, 'bad.yaml');
    writeFileSync(bad, 'services:\n  - id: 1\n    slug: one\n    name: One\n    type: michigan\n    base_url: https://one.example.org\n    max_paralel_jobs: 2\n    panels:\n      - { id: 37, name: P, remote_id: apps@p@1.0.0, build: hg38 }\n');
    const result = await runCli(['services', '--config', bad]);
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr: `error: ${bad}: services[0]: unknown key 'max_paralel_jobs'\n  → see the registry format in the README or services.example.yaml\n`,
    });
    expect(result.stderr).not.toMatch(STACK);
    const verbose = await runCli(['services', '--config', bad, '--verbose']);
    expect(verbose.code).toBe(2);
    expect(verbose.stderr.startsWith(result.stderr)).toBe(true);
    expect(verbose.stderr).toMatch(STACK);
  });
});

describe('services', () => {
  it('not a TTY: tab-separated rows, one per panel', async () => {
    const result = await cli(['services', '--config', EXAMPLE]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const rows = result.stdout.trimEnd().split('\n').map((line) => line.split('\t'));
    expect(rows).toHaveLength(7);
    expect(rows[0]).toEqual(['1', 'h3africa', 'michigan', 'H3Africa Imputation Service', 'https://impute.afrigen-d.org', '37', 'H3Africa v6 (hg38)', 'hg38', 'afr,mixed,off', 'default']);
    expect(rows.map((row) => `${row[1]}:${row[5]}`)).toEqual(['h3africa:37', 'h3africa:38', 'michigan:21', 'michigan:22', 'michigan:23', 'mali:41', 'ilifu:39']);
    expect(result.stdout).not.toMatch(ANSI);
  });

  it('--json: registry file and services with panels', async () => {
    const result = await cli(['services', '--json', '--config', EXAMPLE], { env: { H3AFRICA_TOKEN: 'x'.repeat(20) } });
    expect(result.code).toBe(0);
    const document = JSON.parse(result.stdout);
    expect(document.registry).toBe(EXAMPLE);
    expect(document.services).toHaveLength(4);
    expect(document.services[0]).toEqual({
      id: 1,
      slug: 'h3africa',
      name: 'H3Africa Imputation Service',
      type: 'michigan',
      base_url: 'https://impute.afrigen-d.org',
      token: { source: '$H3AFRICA_TOKEN', set: true },
      max_parallel_jobs: 2,
      default_panel: 37,
      panels: [
        { id: 37, name: 'H3Africa v6 (hg38)', build: 'hg38', populations: ['afr', 'mixed', 'off'], remote_id: 'apps@h3africa-v6hc-s@1.0.0' },
        { id: 38, name: '1000 Genomes Phase 3 v5 (hg19)', build: 'hg19', populations: ['afr', 'amr', 'eas', 'eur', 'sas', 'all', 'off'], remote_id: 'apps@1000g-phase-3-v5@2.0.0' },
      ],
    });
    expect(document.services[1].token).toEqual({ source: '$MICHIGAN_TOKEN', set: false });
    expect(result.stdout).not.toContain('x'.repeat(20));
  });

  it('TTY: a table with headers and colour; NO_COLOR=1 removes the colour', async () => {
    const result = await runTty(['services', '--config', EXAMPLE]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(ANSI);
    expect(result.stdout).toContain('SERVICE');
    expect(result.stdout).toContain('PANELS');
    expect(result.stdout).toContain('★');
    const plain = await runTty(['services', '--config', EXAMPLE], { NO_COLOR: '1' });
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain('SERVICE');
    expect(plain.stdout).toContain('PANELS');
    expect(plain.stdout).not.toMatch(ANSI);
  });
});

describe('jobs with a filled store', () => {
  const db = join(tmp.path, 'filled.db');
  let ids: { running: string; queued: string };
  beforeAll(() => {
    ids = filledStore(db);
  });

  it('TTY: a tree with branches and status symbols', async () => {
    const result = await runTtyWith(['jobs', '--db', db], { env: { NO_COLOR: '1' }, columns: 120 });
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(7);
    expect(lines[0]).toMatch(/^JOB +NAME +STATUS +% +NOTE$/);
    expect(lines[1]).toMatch(/^5eed0002 +second +○ queued +1 of 1 still running · \d+ days ago$/);
    expect(lines[3]).toMatch(/^5eed0001 +chr20-study +✖ failed +█+░+ +46% +1 of 3 still running · 1 completed · 1 failed · \d+ days ago$/);
    expect(lines[4]).toMatch(/^├─ h3africa +37 panel 37 +✔ completed +█{10} +100%$/);
    expect(lines[5]).toMatch(/^├─ michigan +21 panel 21 +◐ running +█+░+ +40% +Imputation \(3\/22\)$/);
    expect(lines[6]).toMatch(/^└─ ilifu +39 panel 39 +✖ failed +░+ +0% +workflow failed$/);
    const colour = await runTty(['jobs', '--db', db]);
    expect(colour.stdout).toMatch(ANSI);
  });

  it('not a TTY: parent and child lines, tab-separated', async () => {
    const result = await cli(['jobs', '--db', db]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const rows = result.stdout.trimEnd().split('\n').map((line) => line.split('\t'));
    expect(rows.map((row) => row[0])).toEqual(['parent', 'child', 'parent', 'child', 'child', 'child']);
    expect(rows[0]).toEqual(['parent', ids.queued, 'second', 'queued', '0', expect.stringMatching(/^2025-05-01T/), '0/1 jobs completed, 0 failed, 0 running, 1 queued']);
    expect(rows[4]).toEqual(['child', '5eed0001-c2', ids.running, 'michigan', '21', 'job-20250501-2', 'running', '40', '']);
    expect(result.stdout).not.toMatch(ANSI);
  });

  it('--json: parents with their children', async () => {
    const result = await cli(['jobs', '--json', '--db', db]);
    expect(result.code).toBe(0);
    const { jobs } = JSON.parse(result.stdout);
    expect(jobs.map((job: { id: string }) => job.id)).toEqual([ids.queued, ids.running]);
    expect(Object.keys(jobs[1])).toEqual(['id', 'name', 'description', 'status', 'progress', 'summary', 'settled', 'inputs', 'options', 'created_at', 'started_at', 'completed_at', 'children']);
    expect(jobs[1]).toMatchObject({ status: 'failed', progress: 46.7, settled: false, inputs: [{ name: 'chr20.vcf.gz', size: 42 }], options: { build: 'hg38' } });
    expect(jobs[1].children.map((c: { service_slug: string; status: string }) => `${c.service_slug}:${c.status}`)).toEqual([
      'h3africa:completed',
      'michigan:running',
      'ilifu:failed',
    ]);
    expect(jobs[1].children[1]).toMatchObject({ id: '5eed0001-c2', service_id: 2, panel_id: 21, remote_job_id: 'job-20250501-2', progress: 40, step: 'Imputation (3/22)' });
  });

  it('--status and --limit filter; --status bogus is a usage error', async () => {
    const failed = JSON.parse((await cli(['jobs', '--json', '--status', 'failed', '--db', db])).stdout);
    expect(failed.jobs.map((job: { id: string }) => job.id)).toEqual([ids.running]);
    const none = await cli(['jobs', '--status', 'completed', '--db', db]);
    expect(none).toEqual({ code: 0, stdout: '', stderr: 'No completed jobs.\n' });
    const limited = JSON.parse((await cli(['jobs', '--json', '--limit', '1', '--db', db])).stdout);
    expect(limited.jobs.map((job: { id: string }) => job.id)).toEqual([ids.queued]);
    expect(limited.jobs[0].children).toHaveLength(1);
    expect(await cli(['jobs', '--status', 'bogus', '--db', db])).toEqual({
      code: 2,
      stdout: '',
      stderr: "error: unknown status 'bogus'\n  → use one of queued, running, completed, failed, canceled\n",
    });
    expect(await cli(['jobs', '--limit', '0', '--db', db])).toEqual({
      code: 2,
      stdout: '',
      stderr: "error: --limit must be a positive whole number, got '0'\n",
    });
  });
});

describe('EPIPE', () => {
  it('`fedimpute jobs | head -1` over 2,000 parents exits 0 with no error output', async () => {
    const db = join(tmp.path, 'many.db');
    const store = new Store(openDatabase(db));
    store.db.transaction(() => {
      for (let index = 0; index < 2000; index++) {
        const id = `${String(index).padStart(8, '0')}-0000-4000-8000-000000000000`;
        store.jobs.insertParent({ id, name: `parent ${index}` }, [{ id: `${id}-c`, name: null, service_id: 1, service_slug: 'h3africa', reference_panel_id: 37 }]);
      }
    })();
    store.close();
    for (const args of ['jobs', 'jobs --json']) {
      const result = await new Promise<CliResult>((resolve) => {
        execFile(
          'bash',
          ['-c', `set -o pipefail; node bin/fedimpute ${args} --db '${db}' | head -c 100 >/dev/null`],
          { cwd: ROOT, env: cleanEnv() },
          (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
        );
      });
      expect(result).toEqual({ code: 0, stdout: '', stderr: '' });
    }
    const head = await new Promise<CliResult>((resolve) => {
      execFile('bash', ['-c', `set -o pipefail; node bin/fedimpute jobs --db '${db}' | head -1`], { cwd: ROOT, env: cleanEnv() }, (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      );
    });
    expect(head.code).toBe(0);
    expect(head.stderr).toBe('');
    expect(head.stdout).toMatch(/^parent\t00001999-0000-4000-8000-000000000000\tparent 1999\t/);
  });
});
