/**
 * Crash safety (DESIGN §6): a submit killed mid-upload, or one whose POST was answered but the answer was
 * lost, leaves a state that `poll` repairs with exactly one remote job per child.
 */
import { describe, expect, test } from 'vitest';
import { runPoll } from '../../src/commands/poll.js';
import { runSubmit } from '../../src/commands/submit.js';
import { UPLOAD_GRACE_MS } from '../../src/domain/resubmit.js';
import { spawnCli } from '../helpers/cli.js';
import { federations } from '../helpers/federation.js';
import { serversSettled, until } from '../helpers/until.js';
import { bigFile, childRows, expectConsistentEvents, parentRow, SUBMIT } from './support.js';

// each test has its own federation: they run side by side (the emulators' jobs take wall time)
const federationWith = federations();

describe.concurrent('crash safety', () => {
  test('submit SIGKILLed mid-upload: poll looks, then resubmits after the grace; one remote job per child, parent consistent', async () => {
    const federation = await federationWith({ michigan: [{}, {}] });
    // both uploads go through proxies that hold them after 1 MiB: the kill surely lands mid-upload (the file is
    // larger than what the sockets' buffers can still deliver after the kill: the uploads surely break off)
    const proxies = await Promise.all([0, 1].map((index) => federation.proxy(index, { holdUploadAfter: 1 << 20 })));
    const input = bigFile(federation.dir, 32);
    // the submit is a process of its own: only a process can be killed mid-upload
    const child = spawnCli(['submit', '--no-check', '--build', 'hg38', '--services', '1,2', input], { cwd: federation.dir, env: federation.spawnEnv() });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ? 128 : code)));
    await until(() => federation!.michigan.every((emulator) => emulator.requests.some((request) => SUBMIT.test(request.path))), 'the uploads to start');
    const inFlight = federation.michigan.map((emulator) => emulator.requests.filter((request) => SUBMIT.test(request.path)).every((request) => request.status === 0));
    child.kill('SIGKILL');
    expect(await exited).toBe(128);
    // both uploads were still in flight when the process died (else this test proves less than it claims)
    expect(inFlight).toEqual([true, true]);
    // what the dead client had sent goes on to the servers, which see the uploads break off (each request ended)
    // and make no job of what came
    for (const proxy of proxies) proxy.release();
    await serversSettled(federation.michigan);
    expect(federation.michigan.map((emulator) => emulator.jobs.length)).toEqual([0, 0]);

    const parent = parentRow(federation.db);
    const interrupted = childRows(federation.db, parent.id);
    expect(interrupted.map((row) => [row.status, row.submit_state, row.remote_job_id])).toEqual([
      ['queued', 'submitting', null],
      ['queued', 'submitting', null],
    ]);

    // a poll at the instant of the kill: the servers may still be taking in what the dead client sent, so it
    // only looks for the jobs (resubmit-grace.test.ts); once the grace is over, it sends the inputs again
    const instant = await federation.call(runPoll, {});
    expect(instant.code, instant.stderr).toBe(0);
    expect(childRows(federation.db, parent.id).map((row) => [row.submit_state, row.remote_job_id])).toEqual([
      ['unconfirmed', null],
      ['unconfirmed', null],
    ]);
    expect(federation.michigan.map((emulator) => emulator.requests.filter((request) => SUBMIT.test(request.path)).length)).toEqual([1, 1]);
    // the dead process renewed its lease on the wall clock: the fake one catches up, then the grace passes
    federation.clock.advance(Date.now() - federation.clock.now().getTime() + UPLOAD_GRACE_MS);
    const poll = await federation.call(runPoll, {});
    expect(poll.code, poll.stderr).toBe(0);
    const repaired = childRows(federation.db, parent.id);
    for (const [index, row] of repaired.entries()) {
      expect(row.submit_state).toBe('submitted');
      const jobs = federation.michigan[index].jobs.filter((job) => job.name.includes(row.id));
      expect(jobs).toHaveLength(1);
      expect(federation.michigan[index].jobs).toHaveLength(1);
      expect(jobs[0].id).toBe(row.remote_job_id);
      expect(jobs[0].files).toEqual([{ name: 'big.vcf.gz', bytes: 32 << 20 }]);
    }
    // a second poll submits nothing more
    expect((await federation.call(runPoll, {})).code).toBe(0);
    expect(federation.michigan.map((emulator) => emulator.jobs.length)).toEqual([1, 1]);
    // the random bytes fail the servers' deferred validation sooner or later: the parent must agree with its children
    const final = childRows(federation.db, parent.id);
    const count = (status: string) => final.filter((row) => row.status === status).length;
    const queued = count('queued') > 0 ? `, ${count('queued')} queued` : '';
    expect(parentRow(federation.db).message).toBe(`${count('completed')}/2 jobs completed, ${count('failed')} failed, ${count('running')} running${queued}`);
    expectConsistentEvents(federation.db);
  }, 120_000);

  test('the POST was answered but the answer was lost (reset after): poll finds the job again instead of resubmitting', async () => {
    const federation = await federationWith({ michigan: [{ timing: { runningMs: 60_000 } }, { timing: { runningMs: 60_000 } }] });
    federation.michigan[0].setFaults({ rate: 1, kinds: ['reset'], phase: 'after', match: (request) => SUBMIT.test(request.url ?? '') });
    const input = await federation.vcf('study.vcf.gz');
    const submit = await federation.call(runSubmit, { files: [input], services: '1,2' });
    expect(submit.code, submit.stderr).toBe(0);
    const parent = parentRow(federation.db);
    let [lost, fine] = childRows(federation.db, parent.id);
    expect(lost).toMatchObject({ status: 'queued', submit_state: 'unconfirmed', remote_job_id: null });
    expect(fine.submit_state).toBe('submitted');
    // the server did create it, and the client did not retry the POST
    expect(federation.michigan[0].jobs).toHaveLength(1);
    expect(federation.michigan[0].jobs[0].name).toContain(lost.id);
    expect(federation.michigan[0].requests.filter((request) => SUBMIT.test(request.path))).toHaveLength(1);

    federation.michigan[0].setFaults(undefined);
    const poll = await federation.call(runPoll, {});
    expect(poll.code, poll.stderr).toBe(0);
    [lost, fine] = childRows(federation.db, parent.id);
    expect(lost).toMatchObject({ submit_state: 'submitted', remote_job_id: federation.michigan[0].jobs[0].id });
    expect(lost.message).toBe('found again on the service after an interrupted submission');
    expect(federation.michigan[0].jobs).toHaveLength(1);
    expect(federation.michigan[0].requests.filter((request) => SUBMIT.test(request.path))).toHaveLength(1);
    expect(federation.michigan[1].jobs).toHaveLength(1);
    expectConsistentEvents(federation.db);
  });
  test.each(['spec', 'reference'] as const)('WES (%s): the POST /runs was answered but the answer was lost: poll finds the run by its tags, no second run', async (flavor) => {
    const federation = await federationWith({ michigan: [], wes: [{ flavor, timing: { runningMs: 60_000 } }] });
    const runsPost = (request: { method?: string; url?: string; path?: string }) =>
      request.method === 'POST' && /\/runs$/.test(request.url ?? request.path ?? '');
    federation.wes[0].setFaults({ rate: 1, kinds: ['reset'], phase: 'after', match: runsPost });
    const input = await federation.vcf('study.vcf.gz');
    const submit = await federation.call(runSubmit, { files: [input], services: '11' });
    expect(submit.code, submit.stderr).toBe(0);
    const parent = parentRow(federation.db);
    let [child] = childRows(federation.db, parent.id);
    expect(child).toMatchObject({ status: 'queued', submit_state: 'unconfirmed', remote_job_id: null });
    expect(federation.wes[0].runs).toHaveLength(1);
    expect(federation.wes[0].requests.filter(runsPost)).toHaveLength(1);

    federation.wes[0].setFaults(undefined);
    const poll = await federation.call(runPoll, {});
    expect(poll.code, poll.stderr).toBe(0);
    [child] = childRows(federation.db, parent.id);
    expect(child).toMatchObject({ submit_state: 'submitted', remote_job_id: federation.wes[0].runs[0].run_id });
    expect(federation.wes[0].runs).toHaveLength(1);
    expect(federation.wes[0].requests.filter(runsPost)).toHaveLength(1);
    expectConsistentEvents(federation.db);
  });
});
