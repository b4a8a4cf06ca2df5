/**
 * The binary on a real pseudo-terminal (util-linux `script`) at 80 and 120 columns: it finds its terminal
 * (colour, live tables), and every table and frame fits. The same flow in this process, with the countdown
 * between polls, is terminal.test.ts (time is the test's there).
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
  test.each([80, 120])('at %i columns: the binary\'s tables and live frames fit (no line wider, no wrapped row, ids whole)', async (columns) => {
    const vcf = await fed.vcf(`tty-${columns}.vcf.gz`);
    const runs = [
      await tty(['submit', '--services', '1,11', '--name', 'a study whose name is much longer than a narrow terminal allows', vcf], columns),
      await tty(['watch', 'last', '--interval', '0.2'], columns),
      await tty(['status', 'last'], columns),
      await tty(['jobs', '--limit', '3'], columns),
      await tty(['services'], columns),
      await tty(['services', 'check'], columns),
      await tty(['download', 'last', '--out', `tty-results-${columns}`], columns),
    ];
    for (const run of runs) expect(run.code, run.stdout).toBe(0);
    // the binary finds its terminal: colour, the result table, the live table to its end, download's list
    expect(runs[0].stdout).toMatch(/\u001b\[3\dm/);
    expect(plain(runs[0].stdout).replace(/\s+/g, ' ')).toMatch(/✔ [0-9a-f]{8} a study whose name .* all 2 child jobs submitted/);
    expect(plain(runs[1].stdout)).toContain('all children finished');
    expect(plain(runs[1].stdout)).toMatch(/2 of 2 completed/);
    expect(plain(runs[6].stdout)).toContain('✔ mich1/chr20.dose.vcf.gz');
    expect(plain(runs[6].stdout)).toMatch(/files downloaded/);
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
