/**
 * A cancel asked for while the upload is still running is sent as soon as the service accepts the job, and
 * when that fails (the service answers 500) it stays pending and every refresh sends it again until the
 * service confirms; then no more cancels are sent. The upload is the binary (the cancel must come from another
 * process), the rest its command lines in this process, against the hostile test server
 * (test/hardening/hostile-server.ts), which can hold an upload's answer and fail cancels on demand.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/cli.js';
import { generateVcf } from '../../src/vcf/generate.js';
import { mich, michiganJob } from '../hardening/hostile-cases.js';
import { json, startHostileServer, type HostileServer } from '../hardening/hostile-server.js';
import { createGroup, serviceChild } from '../hardening/hostile-setup.js';
import { until } from '../helpers/until.js';

let hostile: HostileServer;
let temp: { path: string; cleanup: () => void };
beforeAll(async () => {
  hostile = await startHostileServer();
  temp = tempDir('fedimpute-cancel-pending-');
});
afterAll(async () => {
  await hostile?.close();
  temp?.cleanup();
});

describe('a cancel requested during the upload', () => {
  it('is kept pending through failed attempts and re-sent by each refresh until the service confirms it', async () => {
    let releaseUpload!: () => void;
    const uploadHeld = new Promise<void>((resolve) => (releaseUpload = resolve));
    let cancelWorks = false;
    const hostileCase = mich('cp', {
      job: michiganJob('job-cp', 1),
      hook: async (exchange) => {
        if (exchange.route === 'submit') await uploadHeld;
        if (exchange.route !== 'cancel') return false;
        if (!cancelWorks) return json(exchange.response, 500, { message: 'Internal Server Error', success: false }), true;
        hostileCase.job.state = 6;
        return false;
      },
    });
    const dir = join(temp.path, 'cp');
    mkdirSync(dir);
    const group = createGroup(hostile, dir, [hostileCase], { empty: true });
    const vcf = join(dir, 'study.vcf.gz');
    await generateVcf(vcf, { samples: 24, chromosomes: ['20'], recordsPerChromosome: 50, chrPrefix: true, phased: true });
    const cancels = () => hostile.recorded.filter((request) => request.caseId === 'cp' && request.route === 'cancel').length;

    const submitting = group.spawn(['submit', '--services', '1', vcf]);
    await until(() => hostile.recorded.some((request) => request.caseId === 'cp' && request.route === 'submit'), 'the upload', 30_000);
    const canceled = await group.run(['cancel', 'last']);
    expect(canceled.stdout).toContain('\trequested\tbeing uploaded by another fedimpute process');
    releaseUpload();
    expect((await submitting).code).toBe(0);

    // the first cancel went out as soon as the job was accepted, failed, and is remembered
    const child = () => serviceChild(group.db, 1)!;
    expect(cancels()).toBeGreaterThan(0);
    expect(child()).toMatchObject({ submit_state: 'cancel-pending', status: 'queued', remote_job_id: 'job-cp' });
    expect(child().cancel_requested_at).toBeTruthy();

    const before = cancels();
    expect((await group.run(['poll'])).code).toBe(0);
    expect(cancels()).toBeGreaterThan(before);
    expect(child().submit_state).toBe('cancel-pending');

    cancelWorks = true;
    const confirmed = await group.run(['poll']);
    expect(confirmed.code).toBe(0);
    expect(child()).toMatchObject({ submit_state: 'submitted', status: 'canceled' });
    expect(confirmed.stdout).toContain('queued->canceled');

    const settled = cancels();
    await group.run(['poll']);
    expect(cancels()).toBe(settled);
  }, 60_000);
});
