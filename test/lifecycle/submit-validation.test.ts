/**
 * Submit validation (DESIGN §6), runSubmit in this process: every problem reported at once, exit 2, nothing uploaded, store unchanged;
 * --dry-run changes nothing; --json keeps the seed's shape; a rejected token exits 4 naming the service.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { runSubmit } from '../../src/commands/submit.js';
import { startFederation, type Federation } from '../helpers/federation.js';
import { dumpStore } from '../helpers/store.js';
import { childRows, parentRow } from './support.js';

let federation: Federation | undefined;
afterEach(async () => {
  await federation?.close();
  federation = undefined;
});

const SUBMIT = /\/api\/v2\/jobs\/submit\/imputationserver2$/;
const submits = (federation: Federation) =>
  federation.michigan.reduce((sum, emulator) => sum + emulator.requests.filter((request) => SUBMIT.test(request.path)).length, 0);

describe('submit validation', () => {
  test('unknown service, panel of another service, missing token, missing input: one message, exit 4 (a missing token, as a rejected one), store unchanged', async () => {
    federation = await startFederation({
      michigan: [{}, {}],
      extra: { mich2: '      - { id: 40, name: Only on mich2, remote_id: "apps@1000g-phase-3-v5@2.0.0", build: hg19, populations: [off] }' },
    });
    const input = await federation.vcf('study.vcf.gz');
    // a first job, so "unchanged" means more than "still missing"
    expect((await federation.call(runSubmit, { files: [input], services: '1' })).code).toBe(0);
    const before = dumpStore(federation.db);
    const requests = submits(federation);

    const result = await federation.call(runSubmit, { files: ['missing.vcf.gz'], services: '1,2,9', panels: '40' }, { env: { MICH2_TOKEN: undefined } });
    expect(result.code).toBe(4);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines[0]).toBe('error: cannot submit (4 problems):');
    expect(lines.slice(1).join('\n')).toMatch(/panel '40' is not on service 1 \(mich1\); its panels are 37 \(H3Africa v6\), 38 \(1000G Phase 3 v5\)/);
    expect(result.stderr).toContain("unknown service '9' (known: 1 (mich1), 2 (mich2))");
    expect(result.stderr).toContain('missing.vcf.gz: no such file');
    expect(result.stderr).toMatch(/MICH2_TOKEN/);
    expect(lines.filter((line) => line.startsWith('  • '))).toHaveLength(4);
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(dumpStore(federation.db)).toBe(before);
    expect(submits(federation)).toBe(requests);
    // the same mistakes with every token set: a usage error
    const usage = await federation.call(runSubmit, { files: ['missing.vcf.gz'], services: '1,2,9', panels: '40' });
    expect(usage.code).toBe(2);
    expect(usage.stderr.split('\n')[0]).toBe('error: cannot submit (3 problems):');
    expect(dumpStore(federation.db)).toBe(before);
  });

  test('a file the pre-flight check rejects (12 samples) together with an unknown service: exit 2, no store created', async () => {
    federation = await startFederation({ michigan: [{}] });
    const input = await federation.vcf('few.vcf.gz', { samples: 12 });
    const result = await federation.call(runSubmit, { files: [input], services: '1,nope' });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: cannot submit \(2 problems\):\n/);
    expect(result.stderr).toContain("unknown service 'nope'");
    expect(result.stderr).toMatch(/few\.vcf\.gz: .*At least 20 samples/);
    expect(dumpStore(federation.db)).toBe('(no store)');
    expect(submits(federation)).toBe(0);
  });

  test('--dry-run prints the plan and changes nothing', async () => {
    federation = await startFederation({ michigan: [{}, {}] });
    const input = await federation.vcf('study.vcf.gz');
    const result = await federation.call(runSubmit, { files: [input], dryRun: true, services: '1,2', population: 'afr' });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trim().split('\n').map((line) => line.split('\t'))).toEqual([
      ['1', 'mich1', 'michigan', '37 H3Africa v6', 'hg38', 'afr', 'eagle'],
      ['2', 'mich2', 'michigan', '37 H3Africa v6', 'hg38', 'afr', 'eagle'],
    ]);
    expect(result.stderr).toContain('dry run: "study" would go to 2 services; nothing was uploaded');
    expect(dumpStore(federation.db)).toBe('(no store)');
    expect(submits(federation)).toBe(0);
    const json = JSON.parse((await federation.call(runSubmit, { files: [input], dryRun: true, services: '1' }, { json: true })).stdout);
    expect(json).toMatchObject({ dry_run: true, parent_job_name: 'study', total_services: 1 });
    expect(dumpStore(federation.db)).toBe('(no store)');
  });

  test("--json keeps the seed's response shape", async () => {
    federation = await startFederation({ michigan: [{}, {}] });
    const input = await federation.vcf('study.vcf.gz');
    const result = await federation.call(runSubmit, { files: [input], services: '1,2', name: 'cohort' }, { json: true });
    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout);
    const parent = parentRow(federation.db);
    const children = childRows(federation.db, parent.id);
    expect(Object.keys(json)).toEqual(['parent_job_id', 'parent_job_name', 'total_services', 'child_jobs', 'status', 'message']);
    expect(json).toMatchObject({ parent_job_id: parent.id, parent_job_name: 'cohort', total_services: 2, status: 'queued', message: 'all 2 child jobs submitted' });
    expect(json.child_jobs).toHaveLength(2);
    json.child_jobs.forEach((child: Record<string, unknown>, index: number) => {
      expect(child).toMatchObject({
        id: children[index].id,
        service_id: index + 1,
        service_name: `Michigan emulator ${index + 1}`,
        panel_id: 37,
        status: 'queued',
      });
      expect(Object.keys(child).slice(0, 5)).toEqual(['id', 'service_id', 'service_name', 'panel_id', 'status']);
    });
  });

  test('an expired or revoked Michigan token: exit 4 naming the service, store unchanged, nothing uploaded', async () => {
    federation = await startFederation({ michigan: [{}, {}] });
    const input = await federation.vcf('study.vcf.gz');
    expect((await federation.call(runSubmit, { files: [input], services: '1' })).code).toBe(0);
    const before = dumpStore(federation.db);
    const requests = submits(federation);

    const expired = federation.michigan[1].issueToken('alice', { expiresAt: Date.now() - 60_000 });
    const result = await federation.call(runSubmit, { files: [input], services: '1,2' }, { env: { MICH2_TOKEN: expired } });
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(/^error: .*mich2|Michigan emulator 2/);
    expect(result.stderr).not.toContain(expired);
    expect(dumpStore(federation.db)).toBe(before);

    const token = federation.env.MICH1_TOKEN;
    federation.michigan[0].revokeToken(token);
    // issuing the expired token revoked mich2's old one (one API token per user): give mich2 a fresh one
    const fresh = federation.michigan[1].issueToken('alice');
    const revoked = await federation.call(runSubmit, { files: [input], services: '1,2' }, { env: { MICH2_TOKEN: fresh } });
    expect(revoked.code).toBe(4);
    expect(revoked.stderr).toMatch(/mich1|Michigan emulator 1/);
    expect(revoked.stderr).not.toMatch(/mich2|Michigan emulator 2/);
    expect(revoked.stderr).not.toContain(token);
    expect(dumpStore(federation.db)).toBe(before);
    expect(submits(federation)).toBe(requests);
  });
});
