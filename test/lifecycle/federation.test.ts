/**
 * End to end in this process (runX with a test Context against the emulators): submit to several services,
 * watch until settled, and check what the store and the emulators saw (DESIGN §3, §4, §6).
 */
import { describe, expect, test } from 'vitest';
import { runJobs } from '../../src/commands/jobs.js';
import { runPoll } from '../../src/commands/poll.js';
import { runStatus } from '../../src/commands/status.js';
import { runSubmit } from '../../src/commands/submit.js';
import { runWatch } from '../../src/commands/watch.js';
import { federations } from '../helpers/federation.js';
import { childRows, expectConsistentEvents, parentRow, sha256 } from './support.js';

// each test has its own federation: they run side by side (the emulators' jobs take wall time)
const federationWith = federations();

describe.concurrent('a federated run', () => {
  test('submit to three services (two Michigan, one WES), watch until settled: completed, passwords, job names, tags', async () => {
    const federation = await federationWith({ michigan: [{}, {}], wes: [{ flavor: 'reference' }] });
    const input = await federation.vcf('study.vcf.gz');
    const submit = await federation.call(runSubmit, { files: [input], services: '1,2,11' });
    expect(submit.stderr).toContain('all 3 child jobs submitted');
    expect(submit.code).toBe(0);
    const parent = parentRow(federation.db);
    expect(submit.stdout.trim()).toBe(parent.id);

    const watch = await federation.call(runWatch, { parent: 'last', interval: '0.1' });
    // it ends with the next command, on stderr
    expect(watch.stderr).toBe(`next: fedimpute download ${parent.id.slice(0, 8)}  # bring the results home\n`);
    expect(watch.code, watch.stderr).toBe(0);
    const lines = watch.stdout.trim().split('\n').map((line) => line.split('\t'));
    // non-TTY watch: one tab-separated line per change (at, parent short id, parent name, service, child short
    // id or 'parent', from->to, progress, remote id, message)
    expect(lines.every((fields) => fields.length === 9 && !Number.isNaN(Date.parse(fields[0])) && fields[1] === parent.id.slice(0, 8) && fields[2] === 'study')).toBe(true);
    expect(lines.at(-1)!.slice(1, 7)).toEqual([parent.id.slice(0, 8), 'study', '', 'parent', 'running->completed', '100']);

    const settled = parentRow(federation.db, parent.id);
    expect(settled).toMatchObject({ status: 'completed', progress: 100, settled: 1, message: '3/3 jobs completed, 0 failed, 0 running' });
    expect(settled.completed_at).toBeTruthy();
    const children = childRows(federation.db, parent.id);
    expect(children.map((child) => child.service_slug)).toEqual(['mich1', 'mich2', 'wes1']);
    const digest = sha256(input);
    for (const child of children) {
      expect(child.status).toBe('completed');
      expect(child.progress).toBe(100);
      expect(child.remote_job_id).toBeTruthy();
      expect(JSON.parse(child.input_files!)).toEqual([expect.objectContaining({ path: input, sha256: digest })]);
    }
    for (const [index, child] of children.slice(0, 2).entries()) {
      expect(child.remote_job_id).toMatch(/^job-\d{8}-\d{6}-\d{3}$/);
      expect(child.result_password).toMatch(/^[A-Za-z0-9]{20,}$/);
      const jobs = federation.michigan[index].jobs;
      expect(jobs).toHaveLength(1);
      expect(jobs[0].id).toBe(child.remote_job_id);
      expect(jobs[0].password).toBe(child.result_password);
      expect(jobs[0].name).toContain(child.id);
      expect(jobs[0].state).toBe(4);
    }
    const wesChild = children[2];
    expect(wesChild.result_password).toBeNull();
    const runs = federation.wes[0].runs;
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ run_id: wesChild.remote_job_id, state: 'COMPLETE' });
    expect(runs[0].request.tags).toMatchObject({ fedimpute_parent: parent.id, fedimpute_child: wesChild.id });
    expect(runs[0].attachments.map((attachment) => attachment.name).sort()).toEqual(['impute.cwl', 'study.vcf.gz']);
    expect(JSON.parse(parentRow(federation.db).input_files!)[0].sha256).toBe(digest);
    expectConsistentEvents(federation.db);
  });
});

describe.concurrent('the seed cases of the parent status', () => {
  test('both children fail: parent failed, "0/2 jobs completed, 2 failed, 0 running", watch and status exit 3', async () => {
    const federation = await federationWith({ michigan: [{}, {}] });
    for (const emulator of federation.michigan) emulator.scriptNext({ fail: 'Error: No chunks passed the QC step. Imputation cannot be started!' });
    const input = await federation.vcf('study.vcf.gz');
    expect((await federation.call(runSubmit, { files: [input], services: '1,2' })).code).toBe(0);

    const watch = await federation.call(runWatch, { parent: 'last', interval: '0.1' });
    expect(watch.code, watch.stderr).toBe(3);
    expect(watch.stdout.match(/\tmich\d\t[0-9a-f]{8}\t[a-z]*->failed\t/g)).toHaveLength(2);
    const parent = parentRow(federation.db);
    expect(parent).toMatchObject({ status: 'failed', settled: 1, message: '0/2 jobs completed, 2 failed, 0 running' });
    for (const child of childRows(federation.db, parent.id)) {
      expect(child.status).toBe('failed');
      expect(child.last_error).toContain('No chunks passed the QC step');
    }
    const status = await federation.call(runStatus, { parent: 'last', exitStatus: true });
    expect(status.code).toBe(3);
    expect(status.stdout.split('\n')[0].split('\t').slice(0, 6)).toEqual(['parent', parent.id, 'study', 'failed', String(parent.progress), 'settled']);
    expect((await federation.call(runStatus, { parent: 'last' })).code).toBe(0);
    expectConsistentEvents(federation.db);
  });

  test('a VCF the servers reject (12 samples, --no-check): both children fail with the server\'s message', async () => {
    const federation = await federationWith({ michigan: [{}, {}] });
    const input = await federation.vcf('few.vcf.gz', { samples: 12 });
    expect((await federation.call(runSubmit, { files: [input], check: false, build: 'hg38', services: '1,2' })).code).toBe(0);
    const watch = await federation.call(runWatch, { parent: 'last', interval: '0.1' });
    expect(watch.code, watch.stderr).toBe(3);
    const parent = parentRow(federation.db);
    expect(parent.message).toBe('0/2 jobs completed, 2 failed, 0 running');
    for (const child of childRows(federation.db, parent.id)) expect(child.last_error).toContain('At least 20 samples');
    expect((await federation.call(runStatus, { parent: parent.id.slice(0, 6), exitStatus: true })).code).toBe(3);
  });

  test('all completed: parent completed 100, status --exit-status 0', async () => {
    const federation = await federationWith({ michigan: [{}, {}] });
    const input = await federation.vcf('study.vcf.gz');
    expect((await federation.call(runSubmit, { files: [input], services: 'mich1,mich2' })).code).toBe(0);
    expect((await federation.call(runStatus, { parent: 'last', exitStatus: true })).code).toBe(8);
    expect((await federation.call(runWatch, { parent: 'last', interval: '0.1' })).code).toBe(0);
    expect(parentRow(federation.db)).toMatchObject({ status: 'completed', progress: 100, settled: 1 });
    expect((await federation.call(runStatus, { parent: 'last', exitStatus: true })).code).toBe(0);
  });

  test('one child fails while the other runs: parent failed but unsettled; watch --timeout exits 8, status --exit-status 8', async () => {
    const federation = await federationWith({ michigan: [{}, {}] });
    federation.michigan[0].scriptNext({ fail: 'Error: No chunks passed the QC step. Imputation cannot be started!' });
    federation.michigan[1].scriptNext({ hang: true });
    const input = await federation.vcf('study.vcf.gz');
    expect((await federation.call(runSubmit, { files: [input], services: '1,2' })).code).toBe(0);
    // the emulators keep their own (wall) time: let the first child fail and the second run before watching
    await federation.pollUntil(() => childRows(federation!.db, parentRow(federation!.db).id).map((child) => child.status).join() === 'failed,running', 'one failed, one running');

    const started = federation.clock.now().getTime();
    const watch = await federation.call(runWatch, { parent: 'last', interval: '0.1', timeout: '1s' });
    expect(watch.code).toBe(8);
    // the timeout is the watch's own clock: it gave up after 1 s of (fake) time, polling every 0.1 s
    expect(federation.clock.now().getTime() - started).toBe(1000);
    expect(watch.stderr).toContain('still running after 1s');
    const parent = parentRow(federation.db);
    expect(parent).toMatchObject({ status: 'failed', settled: 0, message: '0/2 jobs completed, 1 failed, 1 running' });
    expect(parent.completed_at).toBeNull();
    expect(childRows(federation.db, parent.id).map((child) => child.status)).toEqual(['failed', 'running']);
    expect((await federation.call(runStatus, { parent: 'last', exitStatus: true })).code).toBe(8);
    // poll keeps following the running child although the parent already shows failed
    await federation.michigan[1].setState(federation.michigan[1].jobs[0].id, 4);
    const poll = await federation.call(runPoll, {});
    expect(poll.code).toBe(0);
    expect(poll.stdout).toContain('running->completed');
    // the parent's status stays failed, and it says it has settled
    expect(poll.stdout).toMatch(new RegExp(`\t${parent.id.slice(0, 8)}\tstudy\t\tparent\tfailed \\(settled\\)\t`));
    expect(parentRow(federation.db)).toMatchObject({ status: 'failed', settled: 1, message: '1/2 jobs completed, 1 failed, 0 running' });
    expect((await federation.call(runStatus, { parent: 'last', exitStatus: true })).code).toBe(3);
    expectConsistentEvents(federation.db);
  });
});

describe.concurrent('reading the store', () => {
  test('jobs tree and status rows after a run (plain and --json)', async () => {
    const federation = await federationWith({ michigan: [{}, {}] });
    const input = await federation.vcf('study.vcf.gz');
    expect((await federation.call(runSubmit, { files: [input], services: '1,2', name: 'cohort-a' })).code).toBe(0);
    expect((await federation.call(runWatch, { parent: 'last', interval: '0.1' })).code).toBe(0);
    const parent = parentRow(federation.db);
    const children = childRows(federation.db, parent.id);

    const jobs = await federation.call(runJobs, {});
    expect(jobs.code).toBe(0);
    expect(jobs.stderr).toBe('');
    expect(jobs.stdout.trim().split('\n').map((line) => line.split('\t'))).toEqual([
      ['parent', parent.id, 'cohort-a', 'completed', '100', parent.created_at, '2/2 jobs completed, 0 failed, 0 running'],
      ...children.map((child) => ['child', child.id, parent.id, child.service_slug, '37', child.remote_job_id, 'completed', '100', child.results_expire_at]),
    ]);

    const status = await federation.call(runStatus, { parent: parent.id.slice(0, 8) });
    expect(status.code).toBe(0);
    const rows = status.stdout.trim().split('\n').map((line) => line.split('\t'));
    // the last column is "as of" (when the services last answered), empty for a settled parent
    expect(rows[0]).toEqual(['parent', parent.id, 'cohort-a', 'completed', '100', 'settled', parent.created_at, parent.started_at, parent.completed_at, parent.message, '']);
    expect(rows.slice(1).map((row) => row.slice(0, 7))).toEqual(
      children.map((child) => ['child', child.id, child.service_slug, '37', child.remote_job_id, 'completed', '100']),
    );

    const json = JSON.parse((await federation.call(runStatus, { parent: 'last' }, { json: true })).stdout);
    expect(Object.keys(json).sort()).toEqual(
      ['children', 'completed_at', 'created_at', 'description', 'id', 'inputs', 'name', 'options', 'progress', 'settled', 'started_at', 'status', 'summary'].sort(),
    );
    expect(json).toMatchObject({ id: parent.id, name: 'cohort-a', status: 'completed', progress: 100, settled: true, summary: '2/2 jobs completed, 0 failed, 0 running' });
    expect(json.children.map((child: { id: string }) => child.id)).toEqual(children.map((child) => child.id));
    for (const child of json.children) {
      expect(child).toMatchObject({ status: 'completed', panel_id: 37, submit_state: 'submitted', attempt: 1 });
      expect(child).not.toHaveProperty('result_password');
    }
    const jobsJson = JSON.parse((await federation.call(runJobs, {}, { json: true })).stdout);
    expect(jobsJson.jobs).toHaveLength(1);
    expect(jobsJson.jobs[0]).toMatchObject({ id: parent.id, status: 'completed' });
  });
});
