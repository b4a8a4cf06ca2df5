/**
 * Jobs the service lost are settleable (README "Lost jobs"): a Michigan job left dead (state -1) by a
 * server restart, a WES run the server no longer knows. They stay unfinished (an administrator may bring a
 * dead job back) but are flagged with the exact commands; `retry` resubmits them, `cancel` settles them here,
 * `watch` stops waiting for them (exit 3), and they hold none of the user's slots.
 */
import { describe, expect, test } from 'vitest';
import { runCancel } from '../../src/commands/cancel.js';
import { runPoll } from '../../src/commands/poll.js';
import { runRetry } from '../../src/commands/retry.js';
import { runStatus } from '../../src/commands/status.js';
import { runSubmit } from '../../src/commands/submit.js';
import { runWatch } from '../../src/commands/watch.js';
import { federations } from '../helpers/federation.js';
import { childRows, expectConsistentEvents, parentRow } from './support.js';

const federationWith = federations();
const long = { timing: { queuedMs: 0, runningMs: 600_000 } };

describe.concurrent('a job the service lost', () => {
  test('Michigan state -1: flagged with the commands, watch stops (exit 3), retry resubmits it', async () => {
    const fed = await federationWith({ michigan: [long, long] });
    const input = await fed.vcf('study.vcf.gz');
    expect((await fed.call(runSubmit, { files: [input], services: '1,2', name: 'cohort' })).code).toBe(0);
    const parent = parentRow(fed.db);
    await fed.pollUntil(() => childRows(fed.db, parent.id).every((child) => child.status === 'running'), 'both running');
    fed.michigan[0].restartServer();
    const short = parent.id.slice(0, 8);

    const poll = await fed.call(runPoll, {}, { quiet: true });
    expect(poll.code).toBe(0);
    const [lost, other] = childRows(fed.db, parent.id);
    expect(lost).toMatchObject({ status: 'running', submit_state: 'lost', remote_state: '-1' });
    expect(poll.stdout).toContain(`\tmich1\t${lost.id.slice(0, 8)}\trunning->running (lost by the service)\t`);
    expect(poll.stderr).toBe(
      `warning: mich1: the service lost job ${lost.remote_job_id} of ${short} (cohort); nothing happens by waiting: run fedimpute retry ${short} --child mich1 to submit it again, or fedimpute cancel ${short} --child mich1 to give it up\n`,
    );
    // the other child finishes; then nothing more happens without the user: watch says so and stops
    await fed.michigan[1].setState(other.remote_job_id!, 4);
    const watch = await fed.call(runWatch, { parent: 'last', interval: '1s' });
    expect(watch.code).toBe(3);
    expect(watch.stderr).toContain(`next: fedimpute retry ${short} --child mich1  # the service lost it: submit it again`);
    expect(watch.stderr).toContain(`fedimpute cancel ${short} --child mich1  # or give it up`);
    expect((await fed.call(runStatus, { parent: 'last', exitStatus: true })).code).toBe(3);

    const retry = await fed.call(runRetry, { parent: 'last' });
    expect(retry.code, retry.stderr).toBe(0);
    const [again] = childRows(fed.db, parent.id);
    expect(again).toMatchObject({ attempt: 2, submit_state: 'submitted', status: 'queued' });
    expect(again.remote_job_id).not.toBe(lost.remote_job_id);
    // the dead job was canceled first, in case an administrator revived it
    expect(fed.michigan[0].jobs.map((job) => job.state)).toEqual([6, expect.any(Number)]);
    expectConsistentEvents(fed.db);
  });

  test('Michigan state -1 given up: cancel settles it here; it held no slot meanwhile', async () => {
    const fed = await federationWith({ michigan: [long] });
    const input = await fed.vcf('study.vcf.gz');
    expect((await fed.call(runSubmit, { files: [input], services: '1' })).code).toBe(0);
    const parent = parentRow(fed.db);
    await fed.pollUntil(() => childRows(fed.db, parent.id)[0].status === 'running', 'running');
    fed.michigan[0].restartServer();
    await fed.pollUntil(() => childRows(fed.db, parent.id)[0].submit_state === 'lost', 'lost');
    const cancel = await fed.call(runCancel, { parent: 'last' });
    expect(cancel.code, cancel.stderr).toBe(0);
    expect(cancel.stdout).toMatch(/^mich1\t[0-9a-f-]+\tcanceled\tcanceled here: the service had lost the job\n$/);
    expect(childRows(fed.db, parent.id)[0]).toMatchObject({ status: 'canceled' });
    expect(parentRow(fed.db)).toMatchObject({ status: 'canceled', settled: 1 });
    expectConsistentEvents(fed.db);
  });

  test('a WES run the server forgot: lost (not failed), flagged, then canceled here', async () => {
    const fed = await federationWith({ michigan: [], wes: [{ flavor: 'reference', timing: { queuedMs: 600_000 } }] });
    const input = await fed.vcf('study.vcf.gz');
    expect((await fed.call(runSubmit, { files: [input], services: '11' })).code).toBe(0);
    const parent = parentRow(fed.db);
    const [child] = childRows(fed.db, parent.id);
    fed.wes[0].forgetRun(child.remote_job_id!);
    const poll = await fed.call(runPoll, {});
    expect(poll.code).toBe(0);
    expect(childRows(fed.db, parent.id)[0]).toMatchObject({ status: 'queued', submit_state: 'lost' });
    expect(poll.stderr).toContain(`fedimpute cancel ${parent.id.slice(0, 8)} --child wes1 to give it up`);
    const status = await fed.call(runStatus, { parent: 'last' }, { tty: true, columns: 100 });
    expect(status.stdout).toContain('lost by the service');
    const cancel = await fed.call(runCancel, { parent: 'last' });
    expect(cancel.code, cancel.stderr).toBe(0);
    expect(childRows(fed.db, parent.id)[0].status).toBe('canceled');
  });
});
