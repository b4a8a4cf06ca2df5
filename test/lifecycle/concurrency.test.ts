/**
 * `poll` is safe to run concurrently (DESIGN §3, §5): four polls and a watch on one store at once, over a
 * parent whose children still need submitting, never lock each other out and never submit a child twice.
 */
import type { ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, test } from 'vitest';
import { runSubmit } from '../../src/commands/submit.js';
import { spawnCli } from '../helpers/cli.js';
import { startFederation, type Federation } from '../helpers/federation.js';
import { childRows, expectConsistentEvents, parentRow } from './support.js';

let federation: Federation | undefined;
afterEach(async () => {
  await federation?.close();
  federation = undefined;
});

const SUBMIT = /\/api\/v2\/jobs\/submit\/imputationserver2$/;

function finished(child: ChildProcess): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

describe('concurrent poll and watch', () => {
  test('four polls and a watch at once over five children (four Michigan, one WES): no "database is locked", all exit 0, one remote job per child', async () => {
    federation = await startFederation({ michigan: [{}, {}, {}, {}], wes: [{ flavor: 'spec' }] });
    // every submission fails with a 503 first: the children are left 'unconfirmed', for poll to sort out
    for (const emulator of federation.michigan) emulator.setFaults({ rate: 1, kinds: ['503'], match: (request) => SUBMIT.test(request.url ?? '') });
    federation.wes[0].setFaults({ rate: 1, kinds: ['503'], match: (request) => request.method === 'POST' && /\/runs$/.test(request.url ?? '') });
    const input = await federation.vcf('study.vcf.gz');
    const submit = await federation.call(runSubmit, { files: [input], services: '1,2,3,4,11' });
    expect(submit.code, submit.stderr).toBe(0);
    const parent = parentRow(federation.db);
    expect(childRows(federation.db, parent.id).map((child) => child.submit_state)).toEqual(Array(5).fill('unconfirmed'));
    for (const emulator of federation.michigan) emulator.setFaults(undefined);
    federation.wes[0].setFaults(undefined);

    // the polls and the watch are processes of their own: the point is several processes on one store
    const env = federation.spawnEnv();
    const processes = [
      ...Array.from({ length: 4 }, () => spawnCli(['poll'], { cwd: federation!.dir, env })),
      spawnCli(['watch', parent.id, '--interval', '0.05'], { cwd: federation.dir, env }),
    ];
    const results = await Promise.all(processes.map(finished));
    for (const result of results) {
      expect(result.stderr).not.toMatch(/locked|busy/i);
      expect(result.code, result.stderr).toBe(0);
    }
    // and a few more polls while the jobs run
    const more = await Promise.all(Array.from({ length: 4 }, () => finished(spawnCli(['poll'], { cwd: federation!.dir, env }))));
    for (const result of more) expect(result.code, result.stderr).toBe(0);

    const children = childRows(federation.db, parent.id);
    const wesChild = children.pop()!;
    const runs = federation.wes[0].runs.filter((run) => run.request.tags.fedimpute_child === wesChild.id);
    expect(federation.wes[0].runs).toHaveLength(1);
    expect(runs).toHaveLength(1);
    expect(wesChild).toMatchObject({ remote_job_id: runs[0].run_id, status: 'completed' });
    for (const [index, child] of children.entries()) {
      const jobs = federation.michigan[index].jobs;
      expect(jobs, `jobs on mich${index + 1}`).toHaveLength(1);
      expect(jobs[0].name).toContain(child.id);
      expect(child.remote_job_id).toBe(jobs[0].id);
      expect(child.status).toBe('completed');
    }
    expect(parentRow(federation.db)).toMatchObject({ status: 'completed', settled: 1, progress: 100 });
    // every child's submission was reported once, by whichever process won it
    const output = results.map((result) => result.stdout).join('');
    for (const child of [...children, wesChild]) {
      const submissions = output.split('\n').filter((line) => line.includes(`\t${child.id.slice(0, 8)}\t`) && line.includes('\tqueued->queued (accepted by the service)\t'));
      expect(submissions, output).toHaveLength(1);
    }
    expectConsistentEvents(federation.db);
  });
});
