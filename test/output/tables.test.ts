/**
 * Every table and live view on a terminal of 80 and of 120 columns (in this process: stdout and stderr are
 * TTY streams of that width): no line wider than the terminal (so no row wraps), ids, states and queue
 * positions whole; in a pipe the same data whole and tab-separated. test/lifecycle/tty.test.ts keeps the
 * binary on a real pty for what only it shows.
 */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runCheck } from '../../src/commands/check.js';
import { runDownload } from '../../src/commands/download.js';
import { runJobs } from '../../src/commands/jobs.js';
import { runPanels } from '../../src/commands/panels.js';
import { runServices } from '../../src/commands/services.js';
import { runServicesCheck } from '../../src/commands/services-check.js';
import { runStatus } from '../../src/commands/status.js';
import { runSubmit } from '../../src/commands/submit.js';
import { runWatch } from '../../src/commands/watch.js';
import { displayWidth } from '../../src/output/width.js';
import { ROOT } from '../helpers/cli.js';
import { startFederation, type Federation } from '../helpers/federation.js';
import { WIDE_PARENT, wideStore } from '../helpers/filled.js';
import { FakeClock, session } from '../helpers/harness.js';
import { jobRows } from '../helpers/store.js';

// eslint-disable-next-line no-control-regex
const CONTROL = /\u001b\[[0-9;?]*[A-Za-z]/g;
/** every line a terminal shows: frames of a live area are split at their carriage returns */
const screenLines = (text: string) => text.split(/\r|\n/).map((line) => line.replace(CONTROL, '')).filter((line) => line.length > 0);

function expectFits(text: string, columns: number): void {
  const lines = screenLines(text);
  expect(lines.length).toBeGreaterThan(0);
  for (const line of lines) expect(displayWidth(line), `${displayWidth(line)} > ${columns}: ${line}`).toBeLessThanOrEqual(columns);
}

/** a command's table on stdout and its prose on stderr (hints, summaries, warnings) */
function expectAllFit(result: { stdout: string; stderr: string }, columns: number): void {
  expectFits(result.stdout, columns);
  if (screenLines(result.stderr).length > 0) expectFits(result.stderr, columns);
}

let fed: Federation;
let example: string;
beforeAll(async () => {
  fed = await startFederation({ michigan: [{}], wes: [{ flavor: 'spec' }] });
  example = join(fed.dir, 'example.yaml');
  copyFileSync(join(ROOT, 'services.example.yaml'), example);
});
afterAll(async () => fed?.close());

describe.each([80, 120])('at %i columns', (columns) => {
  const tty = { tty: true, columns };

  test('services, panels (registry and --remote), services check', async () => {
    const services = await fed.call(runServices, {}, { ...tty, config: example });
    expect(services.code).toBe(0);
    expectAllFit(services, columns);
    for (const slug of ['h3africa', 'michigan', 'mali', 'ilifu']) expect(services.stdout).toContain(slug);
    // the registry's path from the current folder (the federation's), as every path a table or line shows
    expect(services.stderr.replace(CONTROL, '')).toContain('registry: example.yaml\n');
    // the token's state whole on every row; where it comes from when there is room (always in --json)
    const tokenRows = services.stdout.replace(CONTROL, '').split('\n').filter((line) => /^\d /.test(line));
    expect(tokenRows).toHaveLength(4);
    for (const line of tokenRows) expect(line).toMatch(/ not set(  |$)/);
    if (columns === 120) expect(services.stdout).toContain('$H3AFRICA_TOKEN');
    expect((await fed.call(runServices, {}, { config: example, json: true })).stdout).toContain('$H3AFRICA_TOKEN');
    const panels = await fed.call(runPanels, {}, { ...tty, config: example });
    expectAllFit(panels, columns);
    const remote = await fed.call(runPanels, { service: '1', remote: true }, tty);
    expect(remote.code).toBe(0);
    expectAllFit(remote, columns);
    expect(remote.stdout).toContain('apps@h3africa-v6hc-s@1.0.0');
    const check = await fed.call(runServicesCheck, { ids: [] }, tty);
    expect(check.code, check.stdout).toBe(0);
    expectAllFit(check, columns);
    // the expiry date is never cut; how far off it is shows when there is room
    expect(check.stdout.replace(CONTROL, '')).toMatch(/valid until \d{4}-\d{2}-\d{2}/);
    if (columns === 120) expect(check.stdout.replace(CONTROL, '')).toMatch(/valid until \d{4}-\d{2}-\d{2} +in \d+ days?/);
  });

  test('check: paths relative to the current folder, findings wrapped', async () => {
    const vcf = await fed.vcf(`a-study-file-with-a-rather-long-name-for-chromosome-20-at-${columns}.vcf.gz`, { samples: 12 });
    const result = await fed.call(runCheck, { files: [vcf], build: 'hg38' }, tty);
    expect(result.code).toBe(2);
    expectAllFit(result, columns);
    expect(result.stdout).not.toContain(fed.dir);
    expect(result.stdout.replace(/\s+/g, ' ')).toContain('At least 20 samples');
  });

  test('submit (dry run and result), watch (every frame), status, jobs, download', async () => {
    const vcf = await fed.vcf(`study-${columns}.vcf.gz`);
    const dry = await fed.call(runSubmit, { files: [vcf], services: '1,11', dryRun: true }, tty);
    expectAllFit(dry, columns);
    const submitted = await fed.call(runSubmit, { files: [vcf], services: '1,11', name: 'a study with a long name to be shortened on narrow terminals' }, tty);
    expect(submitted.code, submitted.stderr).toBe(0);
    expectAllFit(submitted, columns);
    const parent = jobRows(fed.db).filter((row) => row.parent_job_id === null).at(-1)!;
    const remoteIds = () => jobRows(fed.db).filter((row) => row.parent_job_id === parent.id).map((row) => String(row.remote_job_id));
    for (const id of remoteIds()) expect(submitted.stdout).toContain(id);

    const watch = await fed.call(runWatch, { parent: String(parent.id), interval: '0.2' }, tty);
    expect(watch.code, watch.stderr).toBe(0);
    expectAllFit(watch, columns);
    for (const id of remoteIds()) expect(watch.stdout).toContain(id);
    expect(watch.stdout).toContain(String(parent.id).slice(0, 8));

    for (const result of [await fed.call(runStatus, { parent: 'last' }, tty), await fed.call(runJobs, {}, tty)]) {
      expect(result.code).toBe(0);
      expectAllFit(result, columns);
    }
    const downloaded = await fed.call(runDownload, { parent: 'last', out: join(fed.dir, `results-${columns}`) }, tty);
    expect(downloaded.code, downloaded.stderr).toBe(0);
    expectAllFit(downloaded, columns);
    expect(downloaded.stdout).toContain('mich1/chr20.dose.vcf.gz');
  });

  test('status and jobs of a parent in every state, ids and queue positions whole; the same data whole in a pipe', async () => {
    const db = join(fed.dir, `wide-${columns}.db`);
    const { now } = wideStore(db);
    const local = session({ cwd: fed.dir, clock: new FakeClock(now.getTime()) });
    const status = await local.cli(['status', WIDE_PARENT.slice(0, 8), '--no-refresh', '--db', db], tty);
    expect(status.code).toBe(0);
    expectAllFit(status, columns);
    const text = status.stdout.replace(CONTROL, '');
    for (const id of ['job-20250601-080102-866', 'job-20250601-080230-117', 'job-20250601-080301-004', '0f8e2d0c-56b7-4a1e-9f3c-7d2b1a0e9c44', '9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d']) {
      expect(text).toContain(id);
    }
    for (const words of ['position 12 in queue', 'checking whether the upload arrived', 'waiting for a free slot', 'lost by the service', 'No chunks passed the QC step']) {
      expect(text).toContain(words);
    }
    // a running child at 100 % of its last step is not 100 % done
    expect(text).toMatch(/topmed .*◐ running .* 99%/);
    expect(text).not.toMatch(/running .*100%/);
    expect(text).toMatch(/next: fedimpute watch 7a11c0de/);
    const jobs = await local.cli(['jobs', '--db', db], tty);
    expectAllFit(jobs, columns);
    expect(jobs.stdout.replace(CONTROL, '')).toContain('7a11c0de');
    // a pipe: full values, tab-separated, whatever the width
    const piped = await local.cli(['status', WIDE_PARENT.slice(0, 8), '--db', db]);
    expect(piped.stdout).toContain('a study with a rather long name for chromosome 20 (consented for research)');
    expect(piped.stdout).toContain('Error: No chunks passed the QC step. Imputation cannot be started! See the quality control report for the excluded SNPs and the reasons');
  });
});
