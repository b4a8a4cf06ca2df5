/**
 * Ctrl-C means stop (DESIGN §6, README "Ctrl-C"): the first one aborts the uploads, cancels on the service
 * the jobs already created and marks the children never created canceled, one line each, exit 130; a
 * second one exits at once, and the next `poll` finishes the canceling — it never uploads or completes what
 * the user interrupted. Through the binary (only a process gets SIGINT), then in this process for `retry`.
 */
import { describe, expect, test } from 'vitest';
import { runPoll } from '../../src/commands/poll.js';
import { runRetry } from '../../src/commands/retry.js';
import { runSubmit } from '../../src/commands/submit.js';
import { spawnCli } from '../helpers/cli.js';
import { federations, type Federation } from '../helpers/federation.js';
import { until } from '../helpers/until.js';
import { bigFile, childRows, expectConsistentEvents, parentRow, SUBMIT } from './support.js';

const started = federations();
/** three Michigan services whose jobs stay queued (a canceled job must be seen canceled, not failed or done) */
function federation(): Promise<Federation> {
  const queued = { timing: { queuedMs: 600_000 } };
  return started({ michigan: [queued, queued, queued] });
}

/** no remote job running, queued or completed anywhere; every child canceled */
function expectAllCanceled(fed: Federation): void {
  for (const emulator of fed.michigan) for (const job of emulator.jobs) expect([6], `job ${job.id} state ${job.state}`).toContain(job.state);
  const parent = parentRow(fed.db);
  expect(childRows(fed.db, parent.id).map((child) => child.status)).toEqual(['canceled', 'canceled', 'canceled']);
  expect(parentRow(fed.db)).toMatchObject({ status: 'canceled', settled: 1 });
  expectConsistentEvents(fed.db);
}

/**
 * submit to the three services one upload at a time; resolves once the first job exists and the second upload
 * is under way (held after 1 MiB by a proxy, so that the interrupt surely lands mid-upload)
 */
async function interruptible(fed: Federation) {
  await fed.proxy(1, { holdUploadAfter: 1 << 20 });
  const input = bigFile(fed.dir, 32);
  const child = spawnCli(['submit', '--no-check', '--build', 'hg38', '--concurrency', '1', '--services', '1,2,3', input], { cwd: fed.dir, env: fed.spawnEnv() });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ? 128 : code)));
  await until(
    () => fed.michigan[0].jobs.length === 1 && fed.michigan[1].requests.some((request) => SUBMIT.test(request.path) && request.status === 0),
    'the first job created and the second upload under way',
    60_000,
  );
  return { child, exited, output: () => ({ stdout, stderr }) };
}

describe.concurrent('Ctrl-C during submit', () => {
  test('SIGINT mid-upload: the created job is canceled, the upload aborted, the third never started; exit 130; two polls leave nothing running, queued or completed', async () => {
    const fed = await federation();
    const run = await interruptible(fed);
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(130);
    const { stdout, stderr } = run.output();
    expect(stderr).toContain('interrupted: stopping the uploads and canceling what was created');
    // one line per child saying what happened (a pipe: tab-separated)
    const lines = stdout.trim().split('\n').map((line) => line.split('\t'));
    expect(lines.map((line) => [line[0], line[2]])).toEqual([
      ['mich1', 'canceled'],
      ['mich2', 'canceled'],
      ['mich3', 'canceled'],
    ]);
    expect(lines[0][3]).toBe(`canceled on the service (job ${fed.michigan[0].jobs[0].id})`);
    expect(lines[1][3]).toBe('interrupted during upload');
    expect(lines[2][3]).toBe('interrupted before upload');
    // the second upload never became a job, the third never reached its server
    expect(fed.michigan[1].jobs).toHaveLength(0);
    expect(fed.michigan[2].requests.filter((request) => SUBMIT.test(request.path))).toHaveLength(0);
    expectAllCanceled(fed);

    for (let round = 0; round < 2; round++) expect((await fed.call(runPoll, {})).code).toBe(0);
    expectAllCanceled(fed);
    expect(fed.michigan.map((emulator) => emulator.requests.filter((request) => SUBMIT.test(request.path)).length)).toEqual([1, 1, 0]);
  }, 120_000);

  test('a second SIGINT exits at once, mid-cleanup; the next polls cancel (never upload or complete) what it left', async () => {
    const fed = await federation();
    // mich1 does not answer its cancel: the first Ctrl-C's cleanup is still waiting when the second comes
    fed.michigan[0].setFaults({ rate: 1, kinds: ['timeout'], match: (request) => /\/cancel$/.test(request.url ?? '') });
    const run = await interruptible(fed);
    run.child.kill('SIGINT');
    await until(() => run.output().stderr.includes('interrupted:') && fed.michigan[0].requests.some((request) => /\/cancel$/.test(request.path)), 'the cleanup under way', 20_000);
    const second = Date.now();
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(130);
    expect(Date.now() - second).toBeLessThan(5000);
    // what the first Ctrl-C decided is in the store: the created job is to be canceled, the others are
    const parent = parentRow(fed.db);
    const [created, ...others] = childRows(fed.db, parent.id);
    expect(created).toMatchObject({ status: 'queued', submit_state: 'cancel-pending' });
    expect(created.cancel_requested_at).toBeTruthy();
    expect(others.map((child) => child.status)).toEqual(['canceled', 'canceled']);

    fed.michigan[0].setFaults(undefined);
    for (let round = 0; round < 2; round++) {
      const poll = await fed.call(runPoll, {});
      expect(poll.code, poll.stderr).toBe(0);
    }
    expectAllCanceled(fed);
    // nothing was uploaded after the interrupt: one POST on each of the first two servers, none on the third
    expect(fed.michigan.map((emulator) => emulator.requests.filter((request) => SUBMIT.test(request.path)).length)).toEqual([1, 1, 0]);
    expect(fed.michigan[1].jobs).toHaveLength(0);
  }, 120_000);
});

describe('Ctrl-C during retry', () => {
  test('in this process: the retried children are canceled, not resubmitted by the next poll; exit 130', async () => {
    const fed = await federation();
    const input = await fed.vcf('study.vcf.gz');
    expect((await fed.call(runSubmit, { files: [input], services: '1,2,3' })).code).toBe(0);
    const parent = parentRow(fed.db);
    for (const emulator of fed.michigan) await emulator.setState(emulator.jobs[0].id, 5);
    await fed.pollUntil(() => childRows(fed.db, parent.id).every((child) => child.status === 'failed'), 'all failed');

    // Ctrl-C as soon as the first new job exists: the others are interrupted before or during their upload
    const controller = new AbortController();
    const timer = setInterval(() => fed.michigan[0].jobs.length === 2 && controller.abort(), 1);
    const retry = await fed.call(runRetry, { parent: 'last', concurrency: 1 }, { signal: controller.signal });
    clearInterval(timer);
    expect(retry.code).toBe(130);
    expect(retry.stdout.trim().split('\n').map((line) => line.split('\t')[2])).toEqual(['canceled', 'canceled', 'canceled']);
    expect(fed.michigan[0].jobs[1].state).toBe(6);
    for (let round = 0; round < 2; round++) expect((await fed.call(runPoll, {})).code).toBe(0);
    expect(childRows(fed.db, parent.id).map((child) => child.status)).toEqual(['canceled', 'canceled', 'canceled']);
    expect(fed.michigan.map((emulator) => emulator.jobs.length)).toEqual([2, 1, 1]);
    expectConsistentEvents(fed.db);
  });
});
