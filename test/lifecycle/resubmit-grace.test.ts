/**
 * The race of DESIGN §6 "a crash leaves a state that poll repairs without duplicate remote jobs": a `poll`
 * started the instant a `submit` is SIGKILLed finds no job yet while the server is still taking in the dead
 * client's upload. An abandoned submission is therefore only looked for until a grace period after its
 * lease's last renewal, and sent again only then. In this process with a fake clock: the state a kill leaves
 * (the child 'submitting' under the lease of a process that is gone, renewed a moment ago — what
 * crash.test.ts sees after a real SIGKILL) is written into the store, and the dead client's upload
 * "arrives" when the test says so.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { hostname } from 'node:os';
import { afterAll, describe, expect, test } from 'vitest';
import { runCancel } from '../../src/commands/cancel.js';
import { runPoll } from '../../src/commands/poll.js';
import { runStatus } from '../../src/commands/status.js';
import { runSubmit } from '../../src/commands/submit.js';
import { checkingMessage, UPLOAD_GRACE_MS } from '../../src/domain/resubmit.js';
import { LEASE_MS } from '../../src/lifecycle/owner.js';
import { inputFiles, jobName } from '../../src/lifecycle/submitter.js';
import { startFederation, type Federation } from '../helpers/federation.js';
import { childRows, expectConsistentEvents, parentRow, type Row } from './support.js';

const require = createRequire(import.meta.url);
const Sqlite = require('better-sqlite3') as typeof import('better-sqlite3');
const SUBMIT = /\/api\/v2\/jobs\/submit\/imputationserver2$/;

const opened: Federation[] = [];
afterAll(async () => {
  for (const federation of opened) await federation.close();
});

/** a pid that was a process of this host a moment ago */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await once(child, 'exit');
  return child.pid!;
}

/** a parent with one Michigan child left as a SIGKILL mid-upload leaves it: its lease renewed 1 s ago by a dead process */
async function killedMidUpload(): Promise<{ federation: Federation; child: Row; submits: () => number; jobsOf: (child: Row) => unknown[] }> {
  const federation = await startFederation({ michigan: [{ timing: { runningMs: 60_000 } }] });
  opened.push(federation);
  const emulator = federation.michigan[0];
  // a reset before the server takes anything: the child is recorded, no job exists
  emulator.setFaults({ rate: 1, kinds: ['reset'], phase: 'before', match: (request) => SUBMIT.test(request.url ?? '') });
  expect((await federation.call(runSubmit, { files: [await federation.vcf('study.vcf.gz')], services: '1' })).code).toBe(0);
  emulator.setFaults(undefined);
  const [recorded] = childRows(federation.db, parentRow(federation.db).id);
  const renewed = federation.clock.now().getTime() - 1_000;
  const db = new Sqlite(federation.db);
  db.prepare(`UPDATE jobs SET submit_state = 'submitting', lease_owner = ?, lease_until = ? WHERE id = ?`).run(
    `${hostname()}:${await deadPid()}`,
    new Date(renewed + LEASE_MS).toISOString(),
    recorded.id,
  );
  db.close();
  const submits = () => emulator.requests.filter((request) => SUBMIT.test(request.path)).length;
  const jobsOf = (child: Row) => emulator.jobs.filter((job) => job.name.includes(child.id));
  return { federation, child: childRows(federation.db, parentRow(federation.db).id)[0], submits, jobsOf };
}

/** the dead client's upload, which the server finishes taking in after the poll looked */
async function deadUploadArrives(federation: Federation, child: Row): Promise<string> {
  const { context } = federation.context();
  try {
    const [registry, store] = await Promise.all([context.registry(), context.store()]);
    const adapter = await context.adapter(registry.services[0]);
    const row = store.get(child.id)!;
    const outcome = await adapter.submit({
      parentId: row.parent_job_id!, childId: row.id, jobName: jobName(store, row), files: inputFiles(row), panelId: 37,
      build: 'hg38', phasing: 'eagle', mode: 'imputation', password: row.result_password ?? undefined,
    });
    if (outcome.kind !== 'submitted') throw new Error(`the dead upload was not accepted: ${JSON.stringify(outcome)}`);
    return outcome.remoteId;
  } finally {
    context.close();
  }
}

describe.concurrent('an upload whose process was killed', () => {
  test('a poll at the instant of the kill sends nothing; the job the dead upload makes is found: one remote job', async () => {
    const { federation, child, submits, jobsOf } = await killedMidUpload();
    const before = submits();
    const poll = await federation.call(runPoll, {});
    expect(poll.code, poll.stderr).toBe(0);
    let [row] = childRows(federation.db, child.parent_job_id!);
    const hold = new Date(Date.parse(child.lease_until as string) - LEASE_MS + UPLOAD_GRACE_MS).toISOString();
    expect(row).toMatchObject({ status: 'queued', submit_state: 'unconfirmed', remote_job_id: null, lease_owner: null, lease_until: hold, message: checkingMessage(hold) });
    expect(submits()).toBe(before);
    const status = await federation.call(runStatus, { parent: 'last' });
    expect(status.stdout).toContain('checking whether the upload arrived');

    const remote = await deadUploadArrives(federation, child);
    federation.clock.advance(10_000);
    expect((await federation.call(runPoll, {})).code).toBe(0);
    [row] = childRows(federation.db, child.parent_job_id!);
    expect(row).toMatchObject({ submit_state: 'submitted', remote_job_id: remote, message: 'found again on the service after an interrupted submission' });
    expect(jobsOf(row)).toHaveLength(1);
    expect(submits()).toBe(before + 1);
    expectConsistentEvents(federation.db);
  });

  test('every poll within the grace only looks; the first one after it sends the input again, once', async () => {
    const { federation, child, submits, jobsOf } = await killedMidUpload();
    const before = submits();
    for (let second = 0; second < UPLOAD_GRACE_MS - 1_000; second += 40_000) {
      expect((await federation.call(runPoll, {})).code).toBe(0);
      expect(submits()).toBe(before);
      federation.clock.advance(40_000);
    }
    federation.clock.advance(1_000);
    expect((await federation.call(runPoll, {})).code).toBe(0);
    const [row] = childRows(federation.db, child.parent_job_id!);
    expect(row).toMatchObject({ submit_state: 'submitted', message: 'submitted' });
    expect(jobsOf(row)).toHaveLength(1);
    expect(submits()).toBe(before + 1);
    expectConsistentEvents(federation.db);
  });

  test('a cancel within the grace waits for the upload: the job it made is canceled on the service', async () => {
    const { federation, child, jobsOf } = await killedMidUpload();
    const cancel = await federation.call(runCancel, { parent: 'last' });
    expect(cancel.code, cancel.stderr).toBe(0);
    expect(cancel.stdout).toContain(`mich1\t${child.id}\trequested\tcancel requested; the interrupted upload may still arrive on mich1`);
    expect(childRows(federation.db, child.parent_job_id!)[0]).toMatchObject({ status: 'queued', cancel_requested_at: expect.any(String) });
    await deadUploadArrives(federation, child);
    expect((await federation.call(runPoll, {})).code).toBe(0);
    const [row] = childRows(federation.db, child.parent_job_id!);
    expect(row.status).toBe('canceled');
    expect(jobsOf(row)).toEqual([expect.objectContaining({ state: 6 })]);
  });

  test('a cancel within the grace of an upload that never arrives: canceled locally once the grace is over', async () => {
    const { federation, child, submits, jobsOf } = await killedMidUpload();
    const before = submits();
    expect((await federation.call(runCancel, { parent: 'last' })).code).toBe(0);
    expect((await federation.call(runPoll, {})).code).toBe(0);
    expect(childRows(federation.db, child.parent_job_id!)[0].status).toBe('queued');
    federation.clock.advance(UPLOAD_GRACE_MS);
    expect((await federation.call(runPoll, {})).code).toBe(0);
    const [row] = childRows(federation.db, child.parent_job_id!);
    expect(row).toMatchObject({ status: 'canceled', message: 'canceled before it was submitted' });
    expect(jobsOf(row)).toEqual([]);
    expect(submits()).toBe(before);
  });
});
