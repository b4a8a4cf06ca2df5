/**
 * The per-user job limit of a Michigan server (DESIGN §6): extra children wait locally with
 * submit_state 'waiting-slot' and are submitted by poll/watch when a slot frees, never twice.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, test } from 'vitest';
import { runPoll } from '../../src/commands/poll.js';
import { runSubmit } from '../../src/commands/submit.js';
import { runWatch } from '../../src/commands/watch.js';
import { startFederation, type Federation } from '../helpers/federation.js';
import { childRows, expectConsistentEvents, parents } from './support.js';

let federation: Federation | undefined;
let sampler: NodeJS.Timeout | undefined;
afterEach(async () => {
  clearInterval(sampler);
  await federation?.close();
  federation = undefined;
});

function setParallel(config: string, slug: string, value: number): void {
  const text = readFileSync(config, 'utf8');
  const start = text.indexOf(`slug: ${slug}\n`);
  const at = text.indexOf('max_parallel_jobs: 2', start);
  writeFileSync(config, `${text.slice(0, at)}max_parallel_jobs: ${value}${text.slice(at + 'max_parallel_jobs: 2'.length)}`);
}

/** the most jobs the emulator ever had waiting/running at once (sampled) */
function sampleActive(federation: Federation): () => number {
  let peak = 0;
  sampler = setInterval(() => {
    peak = Math.max(peak, federation.michigan[0].jobs.filter((job) => job.state >= 1 && job.state <= 3).length);
  }, 5);
  return () => peak;
}

describe('per-user job limit', () => {
  test('the server says "Only 1 jobs per user": the second child waits for a slot, poll submits it once the first finishes', async () => {
    federation = await startFederation({ michigan: [{ maxJobsPerUser: 1, timing: { runningMs: 60_000 } }] });
    setParallel(federation.config, 'mich1', 3);
    const peak = sampleActive(federation);
    const input = await federation.vcf('study.vcf.gz');

    const first = await federation.call(runSubmit, { files: [input], services: '1', name: 'first' });
    expect(first.code).toBe(0);
    const second = await federation.call(runSubmit, { files: [input], services: '1', name: 'second' });
    expect(second.code).toBe(0);
    expect(second.stderr).toContain('0 of 1 child jobs submitted, 1 waiting for a free slot');
    const [parentA, parentB] = parents(federation.db);
    const [childA] = childRows(federation.db, parentA.id);
    let [childB] = childRows(federation.db, parentB.id);
    expect(childA.remote_job_id).toBeTruthy();
    expect(childB).toMatchObject({ status: 'queued', submit_state: 'waiting-slot', remote_job_id: null });
    expect(childB.message).toContain('Only 1 jobs per user can be executed simultaneously');
    expect(federation.michigan[0].jobs).toHaveLength(1);

    // still busy: poll leaves it waiting (and asks the server again, which refuses again)
    const busy = await federation.call(runPoll, {});
    expect(busy.code).toBe(0);
    expect(childRows(federation.db, parentB.id)[0]).toMatchObject({ submit_state: 'waiting-slot', remote_job_id: null });

    await federation.michigan[0].setState(childA.remote_job_id!, 4);
    const poll = await federation.call(runPoll, {});
    expect(poll.code).toBe(0);
    expect(poll.stderr).toBe('');
    [childB] = childRows(federation.db, parentB.id);
    expect(childB).toMatchObject({ submit_state: 'submitted' });
    expect(childB.remote_job_id).toBeTruthy();
    expect(poll.stdout).toContain(`\tmich1\t${childB.id.slice(0, 8)}\tqueued->queued (accepted by the service)\t0\t${childB.remote_job_id}\tsubmitted`);
    expect(childRows(federation.db, parentA.id)[0].status).toBe('completed');

    const jobs = federation.michigan[0].jobs;
    expect(jobs.map((job) => job.id).sort()).toEqual([childA.remote_job_id, childB.remote_job_id].sort());
    expect(jobs.filter((job) => job.name.includes(childA.id))).toHaveLength(1);
    expect(jobs.filter((job) => job.name.includes(childB.id))).toHaveLength(1);
    expect(peak()).toBe(1);
    expectConsistentEvents(federation.db);
  });

  test('the registry limit (max_parallel_jobs 1) keeps the second child local: no request is made for it', async () => {
    federation = await startFederation({ michigan: [{ timing: { runningMs: 60_000 } }] });
    setParallel(federation.config, 'mich1', 1);
    const input = await federation.vcf('study.vcf.gz');
    expect((await federation.call(runSubmit, { files: [input], services: '1' })).code).toBe(0);
    const second = await federation.call(runSubmit, { files: [input], services: '1' });
    expect(second.code).toBe(0);
    expect(second.stderr).toContain('0 of 1 child jobs submitted, 1 waiting for a free slot');
    expect(federation.michigan[0].requests.filter((request) => request.method === 'POST' && request.path.endsWith('/jobs/submit/imputationserver2'))).toHaveLength(1);
    const [parentA, parentB] = parents(federation.db);
    expect(childRows(federation.db, parentB.id)[0]).toMatchObject({ submit_state: 'waiting-slot', remote_job_id: null });

    // `watch` of the waiting parent alone must notice the slot freeing up (the other parent is not watched)
    await federation.michigan[0].setState(childRows(federation.db, parentA.id)[0].remote_job_id!, 4);
    const watch = await federation.call(runWatch, { parent: parentB.id, interval: '0.1', timeout: '2s' });
    expect(watch.code).toBe(8);
    let [childB] = childRows(federation.db, parentB.id);
    expect(childB).toMatchObject({ submit_state: 'submitted' });
    expect(childB.remote_job_id).toBeTruthy();
    expect(federation.michigan[0].jobs).toHaveLength(2);
    await federation.pollUntil(() => childRows(federation!.db, parentB.id)[0].status === 'running', 'the second job running');
    [childB] = childRows(federation.db, parentB.id);
    // the other parent's child was refreshed on the way, but the watch only reports its own parent
    expect(childRows(federation.db, parentA.id)[0].status).toBe('completed');
    expect(parents(federation.db)[0]).toMatchObject({ status: 'completed', settled: 1 });
    expect(watch.stdout).not.toContain(parentA.id);
    expect(watch.stdout).toContain(`\tmich1\t${childB.id.slice(0, 8)}\tqueued->queued (accepted by the service)\t0\t${childB.remote_job_id}\tsubmitted`);
    expectConsistentEvents(federation.db);
  });
});
