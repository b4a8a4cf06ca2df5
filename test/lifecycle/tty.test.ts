/**
 * The binary on a real pseudo-terminal (util-linux `script`): submit's result table, watch's live table,
 * status fitted to the terminal width, download's list. The countdown between polls depends on how fast
 * the jobs finish, so it is checked where time is the test's (terminal.test.ts).
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runTty } from '../helpers/cli.js';
import { startFederation, type Federation } from '../helpers/federation.js';
import { displayWidth } from '../../src/output/width.js';

// eslint-disable-next-line no-control-regex
const plain = (text: string) => text.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '');
let fed: Federation;
const tty = (args: string[], columns = 160) =>
  runTty(args, { cwd: fed.dir, columns, env: { FEDIMPUTE_CONFIG: fed.config, FEDIMPUTE_DB: fed.db, FEDIMPUTE_RETRY_BASE_MS: '20', ...fed.env } });

beforeAll(async () => {
  fed = await startFederation({ michigan: [{}], wes: [{ flavor: 'spec' }] });
});
afterAll(async () => fed?.close());

describe.runIf(existsSync('/usr/bin/script'))('on a terminal', () => {
  test('submit → watch → status → download, as a person sees them', async () => {
    const vcf = await fed.vcf('tty.vcf.gz');
    const submitted = await tty(['submit', '--services', '1,11', vcf]);
    expect(submitted.code, submitted.stdout).toBe(0);
    const submitText = plain(submitted.stdout);
    expect(submitText).toMatch(/✔ [0-9a-f]{8} tty — all 2 child jobs submitted/);
    expect(submitText).toMatch(/SERVICE.*PANEL.*REMOTE JOB.*STATUS/);
    expect(submitText).toContain('follow it with: fedimpute watch');
    expect(submitted.stdout).toMatch(/\u001b\[3\dm/); // colour on a terminal

    const watched = await tty(['watch', 'last', '--interval', '0.2']);
    expect(watched.code, watched.stdout).toBe(0);
    const watchText = plain(watched.stdout);
    expect(watchText).toContain('all children finished');
    expect(watchText).toMatch(/✔ completed/);
    expect(watchText).toMatch(/2 of 2 completed/);

    const narrow = await tty(['status', 'last'], 100);
    expect(narrow.code).toBe(0);
    const lines = plain(narrow.stdout).trimEnd().split('\n');
    expect(lines.some((line) => /^SERVICE +(PANEL +)?REMOTE JOB +STATUS/.test(line)), narrow.stdout).toBe(true);
    for (const line of lines) expect(displayWidth(line), line).toBeLessThanOrEqual(100);

    const downloaded = await tty(['download', 'last', '--out', 'tty-results']);
    expect(downloaded.code, downloaded.stdout).toBe(0);
    const downloadText = plain(downloaded.stdout);
    expect(downloadText).toContain('✔ mich1/chr20.dose.vcf.gz');
    expect(downloadText).toContain('✔ wes1/');
    expect(downloadText).toMatch(/files downloaded .*manifest: /);
  });

  test.each([80, 120])('at %i columns: the binary\'s tables and live frames fit (no line wider, no wrapped row, ids whole)', async (columns) => {
    const vcf = await fed.vcf(`tty-${columns}.vcf.gz`);
    const runs = [
      await tty(['submit', '--services', '1,11', '--name', 'a study whose name is much longer than a narrow terminal allows', vcf], columns),
      await tty(['watch', 'last', '--interval', '0.2'], columns),
      await tty(['status', 'last'], columns),
      await tty(['jobs', '--limit', '3'], columns),
      await tty(['services'], columns),
      await tty(['services', 'check'], columns),
    ];
    for (const run of runs) expect(run.code, run.stdout).toBe(0);
    const remoteIds = fed.michigan[0].jobs.map((job) => job.id).concat(fed.wes[0].runs.map((run) => run.run_id));
    for (const run of runs) {
      // every line a terminal shows, frames of the live table split at their carriage returns
      for (const line of plain(run.stdout).split(/\r|\n/)) expect(displayWidth(line), line).toBeLessThanOrEqual(columns);
    }
    const last = (id: string) => remoteIds.includes(id);
    for (const text of [runs[0].stdout, runs[1].stdout, runs[2].stdout].map(plain)) {
      const shown = [...text.matchAll(/job-\d{8}-\d{6}-\d{3}|\b[0-9a-f]{32}\b/g)].map((match) => match[0]);
      expect(shown.length).toBeGreaterThan(0);
      for (const id of shown) expect(last(id), id).toBe(true);
    }
  });
});
