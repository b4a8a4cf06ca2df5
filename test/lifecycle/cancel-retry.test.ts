/**
 * `cancel` and `retry` (DESIGN §3), in this process: remote effects, attempts, parent re-aggregation. One
 * case spawns `submit` as a second process, since a cancel must reach an upload another process holds.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { runCancel } from '../../src/commands/cancel.js';
import { runPoll } from '../../src/commands/poll.js';
import { runRetry } from '../../src/commands/retry.js';
import { runStatus } from '../../src/commands/status.js';
import { runSubmit } from '../../src/commands/submit.js';
import { runWatch } from '../../src/commands/watch.js';
import { spawnCli } from '../helpers/cli.js';
import { federations, type Federation } from '../helpers/federation.js';
import { dumpStore, withDb } from '../helpers/store.js';
import { until } from '../helpers/until.js';
import { childRows, expectConsistentEvents, parentRow } from './support.js';

// each test has its own federation: they run side by side (the emulators' jobs take wall time)
const federationWith = federations();

/** the emulators advance lazily: poll until every child runs */
async function untilRunning(federation: Federation): Promise<void> {
  await federation.pollUntil(() => childRows(federation.db, parentRow(federation.db).id).every((child) => child.status === 'running'), 'every child running');
}

describe.concurrent('cancel', () => {
  test('cancel last: Michigan children canceled on the servers (state 6), the WES reference server child "cancel requested"', async () => {
    const federation = await federationWith({ michigan: [{}, {}], wes: [{ flavor: 'reference', timing: { runningMs: 60_000 } }] });
    for (const emulator of federation.michigan) emulator.scriptNext({ hang: true });
    const input = await federation.vcf('study.vcf.gz');
    expect((await federation.call(runSubmit, { files: [input], services: '1,2,11' })).code).toBe(0);
    await untilRunning(federation);
    const parent = parentRow(federation.db);
    expect(parent.status).toBe('running');

    const cancel = await federation.call(runCancel, { parent: 'last' });
    expect(cancel.code, cancel.stderr).toBe(0);
    const children = childRows(federation.db, parent.id);
    const [mich1, mich2, wes] = children;
    expect(cancel.stdout.trim().split('\n').sort()).toEqual(
      [
        `mich1\t${mich1.id}\tcanceled\tcanceled`,
        `mich2\t${mich2.id}\tcanceled\tcanceled`,
        `wes1\t${wes.id}\trequested\tcancel requested; wes1 may finish the job anyway, polling goes on`,
      ].sort(),
    );
    for (const [index, child] of [mich1, mich2].entries()) {
      expect(child.status).toBe('canceled');
      expect(child.cancel_requested_at).toBeTruthy();
      expect(federation.michigan[index].jobs[0].state).toBe(6);
      expect(federation.michigan[index].requests.some((request) => request.method === 'GET' && request.path === `/api/v2/jobs/${child.remote_job_id}/cancel`)).toBe(true);
    }
    // the reference server answers 200 and does nothing: recorded as requested, the child keeps running
    expect(wes).toMatchObject({ status: 'running', message: 'cancel requested' });
    expect(wes.cancel_requested_at).toBeTruthy();
    expect(federation.wes[0].requests.some((request) => request.method === 'POST' && request.route === `/runs/${wes.remote_job_id}/cancel`)).toBe(true);
    expect(federation.wes[0].run(wes.remote_job_id!)!.state).toBe('RUNNING');
    expect(parentRow(federation.db)).toMatchObject({ status: 'failed', settled: 0, message: '0/3 jobs completed, 0 failed, 1 running, 2 canceled' });

    // polling goes on; when the server does cancel it, the parent settles as canceled
    federation.wes[0].setState(wes.remote_job_id!, 'CANCELED');
    expect((await federation.call(runPoll, {})).code).toBe(0);
    expect(childRows(federation.db, parent.id)[2].status).toBe('canceled');
    expect(parentRow(federation.db)).toMatchObject({ status: 'canceled', settled: 1, message: '0/3 jobs completed, 0 failed, 0 running, 3 canceled' });
    expect((await federation.call(runStatus, { parent: 'last', exitStatus: true })).code).toBe(3);
    const again = await federation.call(runCancel, { parent: 'last' });
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('nothing to cancel');
    expectConsistentEvents(federation.db);
  });

  test('cancel --child <slug> cancels only that child; the parent shows failed and the other child runs on', async () => {
    const federation = await federationWith({ michigan: [{}, {}] });
    for (const emulator of federation.michigan) emulator.scriptNext({ hang: true });
    const input = await federation.vcf('study.vcf.gz');
    expect((await federation.call(runSubmit, { files: [input], services: '1,2' })).code).toBe(0);
    await untilRunning(federation);

    const cancel = await federation.call(runCancel, { parent: 'last', child: 'mich2' });
    expect(cancel.code, cancel.stderr).toBe(0);
    const parent = parentRow(federation.db);
    const [first, second] = childRows(federation.db, parent.id);
    expect(cancel.stdout).toBe(`mich2\t${second.id}\tcanceled\tcanceled\n`);
    expect(second.status).toBe('canceled');
    expect(first.status).not.toBe('canceled');
    expect(federation.michigan[1].jobs[0].state).toBe(6);
    expect(federation.michigan[0].jobs[0].state).toBe(2);
    expect(parent).toMatchObject({ status: 'failed', settled: 0 });

    const unknown = await federation.call(runCancel, { parent: 'last', child: 'nope' });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain(`job ${parent.id.slice(0, 8)} has no child 'nope'`);
    expectConsistentEvents(federation.db);
  });
  test('cancel of a child whose submission answer was lost: the job that does exist on the server is found and canceled', async () => {
    const federation = await federationWith({ michigan: [{ timing: { runningMs: 60_000 } }] });
    federation.michigan[0].setFaults({ rate: 1, kinds: ['reset'], phase: 'after', match: (request) => /\/jobs\/submit\//.test(request.url ?? '') });
    const input = await federation.vcf('study.vcf.gz');
    expect((await federation.call(runSubmit, { files: [input], services: '1' })).code).toBe(0);
    federation.michigan[0].setFaults(undefined);
    const parent = parentRow(federation.db);
    const [child] = childRows(federation.db, parent.id);
    expect(child).toMatchObject({ submit_state: 'unconfirmed', remote_job_id: null });
    const [job] = federation.michigan[0].jobs;
    expect(job.name).toContain(child.id);

    const cancel = await federation.call(runCancel, { parent: 'last' });
    expect(cancel.code, cancel.stderr).toBe(0);
    expect(cancel.stdout).toBe(`mich1\t${child.id}\tcanceled\tcanceled\n`);
    // not "canceled before it was submitted" while the job runs on, unseen, holding a slot
    expect(federation.michigan[0].jobs[0].state).toBe(6);
    expect(childRows(federation.db, parent.id)[0]).toMatchObject({ status: 'canceled', remote_job_id: job.id });
    expect(parentRow(federation.db)).toMatchObject({ status: 'canceled', settled: 1 });
    expectConsistentEvents(federation.db);
  });
  test('cancel during an upload whose answer is then lost: the next poll finds the job and cancels it remotely', async () => {
    // queued for a minute: the random bytes are never validated (which would fail the job first)
    const federation = await federationWith({ michigan: [{ timing: { queuedMs: 60_000 } }] });
    federation.michigan[0].setFaults({ rate: 1, kinds: ['reset'], phase: 'after', match: (request) => /\/jobs\/submit\//.test(request.url ?? '') });
    // the upload goes through a proxy that holds it after 1 MiB until the cancel has run: surely in flight
    const proxy = await federation.proxy(0, { holdUploadAfter: 1 << 20 });
    const input = join(federation.dir, 'big.vcf.gz');
    writeFileSync(input, randomBytes(4 << 20));
    const submit = spawnCli(['submit', '--no-check', '--build', 'hg38', '--services', '1', input], { cwd: federation.dir, env: federation.spawnEnv() });
    const submitted = new Promise<number | null>((resolve) => submit.on('close', resolve));
    await until(() => federation!.michigan[0].requests.some((request) => /\/jobs\/submit\//.test(request.path)), 'the upload', 20_000);
    const cancel = await federation.call(runCancel, { parent: 'last' });
    proxy.release();
    expect(cancel.code, cancel.stderr).toBe(0);
    expect(cancel.stdout).toContain('\trequested\tbeing uploaded by another fedimpute process');
    expect(await submitted).toBe(0);
    const parent = parentRow(federation.db);
    expect(childRows(federation.db, parent.id)[0]).toMatchObject({ status: 'queued', submit_state: 'unconfirmed', remote_job_id: null });
    expect(federation.michigan[0].jobs).toHaveLength(1);

    federation.michigan[0].setFaults(undefined);
    expect((await federation.call(runPoll, {})).code).toBe(0);
    expect(federation.michigan[0].jobs).toHaveLength(1);
    expect(federation.michigan[0].jobs[0].state).toBe(6);
    expect(childRows(federation.db, parent.id)[0]).toMatchObject({ status: 'canceled', remote_job_id: federation.michigan[0].jobs[0].id });
    expectConsistentEvents(federation.db);
  });
});

describe.concurrent('retry', () => {
  test('a failed child is resubmitted: new remote job, attempt 2, job_attempts keeps attempt 1, parent re-aggregated', async () => {
    const federation = await federationWith({ michigan: [{}, {}] });
    federation.michigan[0].scriptNext({ fail: 'Error: No chunks passed the QC step. Imputation cannot be started!' });
    const input = await federation.vcf('study.vcf.gz');
    expect((await federation.call(runSubmit, { files: [input], services: '1,2' })).code).toBe(0);
    expect((await federation.call(runWatch, { parent: 'last', interval: '0.1' })).code).toBe(3);
    const parent = parentRow(federation.db);
    expect(parent).toMatchObject({ status: 'failed', settled: 1, message: '1/2 jobs completed, 1 failed, 0 running' });
    const [failed, completed] = childRows(federation.db, parent.id);
    expect(failed.status).toBe('failed');

    const notFailed = await federation.call(runRetry, { parent: 'last', child: 'mich2' });
    expect(notFailed.code).toBe(2);
    expect(notFailed.stderr).toContain(`child ${completed.id.slice(0, 8)} (mich2) is completed; only failed, canceled or lost children can be retried`);

    const retry = await federation.call(runRetry, { parent: 'last', child: 'mich1' });
    expect(retry.code, retry.stderr).toBe(0);
    const [retried, untouched] = childRows(federation.db, parent.id);
    expect(retried).toMatchObject({ id: failed.id, attempt: 2, status: 'queued', submit_state: 'submitted', last_error: null });
    expect(retried.remote_job_id).toBeTruthy();
    expect(retried.remote_job_id).not.toBe(failed.remote_job_id);
    expect(retried.result_password).toMatch(/^[A-Za-z0-9]{20,}$/);
    expect(retry.stdout).toBe(`mich1\t${failed.id}\tattempt 2\tqueued\t${retried.remote_job_id}\tsubmitted\n`);
    expect(untouched).toEqual(completed);
    const jobs = federation.michigan[0].jobs;
    expect(jobs.map((job) => job.id)).toEqual([failed.remote_job_id, retried.remote_job_id]);
    expect(jobs[1].name).toContain(failed.id);
    expect(jobs[1].password).toBe(retried.result_password);
    const attempts = withDb(federation.db, (db) => db.prepare('SELECT * FROM job_attempts').all());
    expect(attempts).toEqual([
      expect.objectContaining({ job_id: failed.id, attempt: 1, remote_job_id: failed.remote_job_id, status: 'failed', message: expect.stringContaining('No chunks passed') }),
    ]);
    expect(parentRow(federation.db)).toMatchObject({ status: 'queued', settled: 0, completed_at: null, message: '1/2 jobs completed, 0 failed, 0 running, 1 queued' });

    expect((await federation.call(runWatch, { parent: 'last', interval: '0.1' })).code).toBe(0);
    expect(parentRow(federation.db)).toMatchObject({ status: 'completed', progress: 100, settled: 1 });
    expectConsistentEvents(federation.db);

    // nothing failed any more
    const nothing = await federation.call(runRetry, { parent: 'last' });
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toContain('nothing to retry');
  });

  test('retry when the input changed since submit: exit 2 with the sha256 message, store unchanged', async () => {
    const federation = await federationWith({ michigan: [{}] });
    federation.michigan[0].scriptNext({ fail: 'Error: No chunks passed the QC step. Imputation cannot be started!' });
    const input = await federation.vcf('study.vcf.gz');
    expect((await federation.call(runSubmit, { files: [input], services: '1' })).code).toBe(0);
    expect((await federation.call(runWatch, { parent: 'last', interval: '0.1' })).code).toBe(3);
    await federation.vcf('study.vcf.gz', { recordsPerChromosome: 150 });
    const before = dumpStore(federation.db);
    const requests = federation.michigan[0].requests.length;

    const retry = await federation.call(runRetry, { parent: 'last' });
    expect(retry.code).toBe(2);
    expect(retry.stdout).toBe('');
    expect(retry.stderr).toBe(
      `error: input ${input} changed since it was submitted (sha256 differs)\n  → retry resubmits the same data; submit the new file as a new job\n`,
    );
    expect(dumpStore(federation.db)).toBe(before);
    expect(federation.michigan[0].requests.length).toBe(requests);

    writeFileSync(input, '');
    expect((await federation.call(runRetry, { parent: 'last' })).code).toBe(2);
    expect(dumpStore(federation.db)).toBe(before);
  });
});
