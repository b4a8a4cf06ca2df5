/**
 * DESIGN §6: a job stuck in one state longer than its service's `max_run_seconds` is flagged, by `poll`
 * (a warning per run, and `stuck` in --json), `watch` (once, or under the live table) and
 * `status --refresh`. Time is the test's: the fake clock passes the limit, the emulator's job just hangs.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runPoll } from '../../src/commands/poll.js';
import { runStatus } from '../../src/commands/status.js';
import { runSubmit } from '../../src/commands/submit.js';
import { runWatch } from '../../src/commands/watch.js';
import { startFederation, type Federation } from '../helpers/federation.js';
import { childRows, parentRow } from './support.js';

let federation: Federation;
beforeAll(async () => {
  // mich1 allows an hour in one state; mich2 sets no limit
  federation = await startFederation({ michigan: [{}, {}], extra: { mich1: '    max_run_seconds: 3600' } });
  for (const emulator of federation.michigan) emulator.scriptNext({ hang: true });
  const input = await federation.vcf('study.vcf.gz');
  expect((await federation.call(runSubmit, { files: [input], services: '1,2' })).code).toBe(0);
  await federation.pollUntil(() => childRows(federation.db, parentRow(federation.db).id).every((child) => child.status === 'running'), 'both running');
});
afterAll(async () => federation?.close());

// steps of one story on one store: within the limit, then past it (the fake clock only moves on), so never shuffled
describe('a job longer than max_run_seconds in one state', { shuffle: false }, () => {
  test('within the limit nothing is said but that nothing changed, and --quiet hides that', async () => {
    const poll = await federation.call(runPoll, {});
    expect(poll).toMatchObject({ code: 0, stdout: '', stderr: 'nothing changed (1 unfinished job)\n' });
    expect(await federation.call(runPoll, {}, { quiet: true })).toMatchObject({ code: 0, stdout: '', stderr: '' });
  });

  test('past it, poll warns about that child only (exit 0), and says so in --json', async () => {
    federation.clock.advance(2 * 3600_000);
    const [stuck] = childRows(federation.db, parentRow(federation.db).id);
    // --quiet never hides a warning (the cron contract)
    const poll = await federation.call(runPoll, {}, { quiet: true });
    expect(poll.code).toBe(0);
    const [child, parent] = [stuck.id.slice(0, 8), stuck.parent_job_id!.slice(0, 8)];
    expect(poll.stderr).toBe(
      `warning: mich1: child ${child} of ${parent} (study) has been running for 2h 00m, longer than the service's max_run_seconds (1h 00m); it may be stuck: look at it on the service, or run fedimpute cancel ${parent} --child mich1 and fedimpute retry ${parent} --child mich1\n`,
    );
    const json = JSON.parse((await federation.call(runPoll, {}, { json: true })).stdout);
    expect(json.stuck).toEqual([
      expect.objectContaining({ service: 'mich1', child_id: stuck.id, parent_id: stuck.parent_job_id, status: 'running', for_ms: 7_200_000, limit_ms: 3_600_000 }),
    ]);
  });

  test('status --refresh warns too; status without it reads the store only and says nothing', async () => {
    expect((await federation.call(runStatus, { parent: 'last', refresh: true })).stderr).toContain("longer than the service's max_run_seconds");
    expect((await federation.call(runStatus, { parent: 'last' })).stderr).not.toContain('max_run_seconds');
  });

  test('watch says it once, not once per cycle; on a terminal it stays under the table', async () => {
    const watch = await federation.call(runWatch, { parent: 'last', interval: '1m', timeout: '5m' });
    expect(watch.code).toBe(8);
    expect(watch.stderr.match(/may be stuck/g)).toHaveLength(1);
    const live = await federation.call(runWatch, { parent: 'last', interval: '1m', timeout: '2m' }, { tty: true });
    expect(live.code).toBe(8);
    expect(live.stdout).toContain("⚠ mich1: child");
    expect(live.stdout).toContain('may be stuck');
  });
});
