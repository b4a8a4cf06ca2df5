import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { createMichiganAdapter } from '../../src/adapters/michigan/index.js';
import type { SubmitRequest } from '../../src/adapters/types.js';
import { AuthError, RemoteError } from '../../src/errors.js';
import type { MichiganService } from '../../src/registry/types.js';
import { createVcf, startMichiganEmulator, type MichiganEmulator, type MichiganEmulatorOptions } from '../../src/sandbox/michigan/index.js';
import { FakeClock } from '../helpers/harness.js';
import { until } from '../helpers/until.js';

let emulator: MichiganEmulator;
/** the emulator's time: its jobs move on only when a test advances it */
let clock: FakeClock;
afterEach(async () => emulator?.close());
const fast = { retries: 3, baseDelayMs: 1, maxDelayMs: 5, sleep: async () => {} };

async function setup(options: MichiganEmulatorOptions = {}, token?: string) {
  clock = new FakeClock();
  emulator = await startMichiganEmulator({ pathPrefix: '/imputationserver', clock: clock.emulators, ...options });
  const service: MichiganService = {
    id: 1, slug: 'h3africa', name: 'H3Africa', type: 'michigan', base_url: emulator.url,
    token: { kind: 'env', variable: 'H3AFRICA_TOKEN' }, max_samples: 50_000, source: { file: 'services.yaml', index: 0 },
    panels: [
      { id: 37, name: 'H3Africa v6', remote_id: 'apps@h3africa-v6hc-s@1.0.0', build: 'hg38', populations: ['afr', 'mixed', 'off'] },
      { id: 38, name: '1000G', remote_id: 'apps@1000g-phase-3-v5@2.0.0', build: 'hg19', populations: ['afr', 'eur', 'off'] },
    ],
  };
  return createMichiganAdapter(service, { token: token ?? emulator.tokenFor('alice'), http: fast });
}

async function request(overrides: Partial<SubmitRequest> = {}): Promise<SubmitRequest> {
  const dir = await mkdtemp(join(tmpdir(), 'mi-adapter-'));
  const path = join(dir, 'study.vcf.gz');
  const size = await createVcf(path, { build: 'hg38' });
  return {
    parentId: 'p1', childId: 'child-1234', jobName: 'study [child-1234]', files: [{ path, name: 'study.vcf.gz', size }],
    panelId: 37, build: 'hg38', phasing: 'eagle', mode: 'imputation', password: 'Pw0rdPw0rdPw0rdPw0rd', ...overrides,
  };
}

describe('Michigan adapter', () => {
  test('submit sends the documented form; status/details/outputs map the job', async () => {
    const adapter = await setup();
    let sent = 0;
    const outcome = await adapter.submit(await request({ meta: true, onProgress: (bytes) => (sent = bytes) }));
    expect(outcome.kind).toBe('submitted');
    const id = (outcome as { remoteId: string }).remoteId;
    expect(sent).toBeGreaterThan(0);
    const job = emulator.jobs[0];
    expect(job.params).toMatchObject({ refpanel: 'apps@h3africa-v6hc-s@1.0.0', population: 'off', build: 'hg38', phasing: 'eagle', mode: 'imputation', r2Filter: '0', meta: 'yes', 'job-name': 'study [child-1234]' });
    expect(job.params).not.toHaveProperty('aesEncryption');
    expect(job.files[0].name).toBe('study.vcf.gz');
    expect(job.password).toBe('Pw0rdPw0rdPw0rdPw0rd');
    const queued = await adapter.status(id);
    expect(queued).toMatchObject({ status: 'queued', rawState: '1', queuePosition: 1, progress: 0 });
    let state = queued;
    let sawImputation = false;
    // 20 ms of the server's time per look; past its timeline the job completes when its results are written
    await until(async () => {
      clock.advance(20);
      state = await adapter.details(id);
      if (state.status === 'running' && state.step?.startsWith('Imputation')) {
        sawImputation = true;
        expect(state.progress).toBeGreaterThan(0);
      }
      return state.status === 'completed';
    }, 'the job to complete');
    expect(sawImputation).toBe(true);
    expect(state.progress).toBe(100);
    expect(Date.parse(state.resultsExpireAt!) - Date.parse(state.endedAt!)).toBe(7 * 24 * 3600 * 1000);
    const outputs = await adapter.outputs(id);
    const zip = outputs.find((output) => output.name === 'chr_20.zip')!;
    expect(zip).toMatchObject({ encrypted: true, downloadsLeft: 10, group: 'output', scheme: 'http' });
    expect(zip.url).toMatch(/\/imputationserver\/share\/results\/[0-9a-f]{64}\/chr_20\.zip$/);
    expect(outputs.map((output) => output.name)).toContain('statistics/snps-excluded.txt');
    expect(await adapter.cancel(id)).toEqual({ kind: 'already-finished' });
  });

  test('per-user limit → no-slot; unknown field style 400 → rejected; validation failure text', async () => {
    const adapter = await setup({ maxJobsPerUser: 1 });
    expect((await adapter.submit(await request())).kind).toBe('submitted');
    expect(await adapter.submit(await request())).toEqual({ kind: 'no-slot', message: 'Only 1 jobs per user can be executed simultaneously.' });
    await emulator.close();
    const second = await setup();
    const bad = await second.submit(await request({ build: 'hg19' }));
    const id = (bad as { remoteId: string }).remoteId;
    clock.advance(30);
    let state = await second.details(id);
    await until(async () => (state = await second.details(id)).status === 'failed', 'the validation to fail the job');
    expect(state.message).toContain("Your upload data contains chromosome 'chr20'. This is not a valid hg19 encoding.");
    const rejected = await second.submit(await request({ panelId: 38, population: 'xyz' }));
    expect(rejected.kind).toBe('submitted'); // the server accepts and fails later
  });

  test('auth errors name the service and how to renew; revoked token 403', async () => {
    const adapter = await setup({}, 'not-a-token');
    const error = await adapter.status('job-1').catch((caught) => caught);
    expect(error).toBeInstanceOf(AuthError);
    expect(error.message).toContain('H3Africa');
    expect(error.hint).toContain('$H3AFRICA_TOKEN');
    await emulator.close();
    const revoked = await setup();
    emulator.revokeToken(emulator.tokenFor('alice'));
    await expect(revoked.submit(await request())).rejects.toBeInstanceOf(AuthError);
  });

  test('statusMany uses one list request; unknown ids fall back to /status; findByChild', async () => {
    const adapter = await setup({ maxJobsPerUser: 5 });
    const a = (await adapter.submit(await request())) as { remoteId: string };
    const b = (await adapter.submit(await request({ jobName: 'other [child-9999]', childId: 'child-9999' }))) as { remoteId: string };
    emulator.requests.length = 0;
    const states = await adapter.statusMany([a.remoteId, b.remoteId, 'job-20200101-000000-000']);
    expect(states.get(a.remoteId)?.status).toBe('queued');
    expect(states.get('job-20200101-000000-000')).toMatchObject({ retired: true });
    expect(emulator.requests.map((entry) => entry.path.replace(/.*\/api\/v2/, ''))).toEqual(['/jobs', '/jobs/job-20200101-000000-000/status']);
    expect(await adapter.findByChild('child-9999', 'p1')).toBe(b.remoteId);
    expect(await adapter.findByChild('child-none', 'p1')).toBeNull();
  });

  test('statusMany follows pages when the server paginates the unpaged list', async () => {
    const adapter = await setup({ maxJobsPerUser: 100, paginateUnpaged: true });
    const ids: string[] = [];
    for (let i = 0; i < 17; i++) ids.push(((await adapter.submit(await request())) as { remoteId: string }).remoteId);
    emulator.requests.length = 0;
    const states = await adapter.statusMany(ids);
    expect([...states.values()].every((state) => state.status === 'queued')).toBe(true);
    expect(emulator.requests.map((entry) => entry.path.replace(/.*\/api\/v2/, ''))).toEqual(['/jobs', '/jobs']);
  });

  test('cancel, dead jobs (-1) with a hint, retired and 8/9 states', async () => {
    const adapter = await setup({ maxJobsPerUser: 5 });
    const a = ((await adapter.submit(await request())) as { remoteId: string }).remoteId;
    const b = ((await adapter.submit(await request())) as { remoteId: string }).remoteId;
    expect(await adapter.cancel(a)).toEqual({ kind: 'canceled' });
    expect((await adapter.status(a)).status).toBe('canceled');
    emulator.restartServer();
    expect(await adapter.status(b)).toMatchObject({ status: null, rawState: '-1', hint: expect.stringContaining('restart') });
    await emulator.setState(b, 8);
    const noticed = await adapter.status(b);
    expect(noticed.status).toBe('completed');
    expect(noticed.resultsExpireAt).toBeDefined();
    await emulator.setState(b, 7);
    expect(await adapter.status(b)).toMatchObject({ status: 'completed', retired: true });
    await emulator.setState(a, 9);
    expect((await adapter.status(a)).status).toBe('failed');
  });

  test('check and panels: server info, verify, JWT expiry, maintenance', async () => {
    const adapter = await setup();
    const check = await adapter.check();
    expect(check).toMatchObject({ reachable: true, protocol: 'michigan', version: 'imputationserver2 2.0.12', tokenValid: true, username: 'alice', problems: [] });
    expect(Date.parse(check.tokenExpiresAt!)).toBeGreaterThan(Date.now());
    const panels = await adapter.panels();
    expect(panels[0]).toMatchObject({ remoteId: 'apps@h3africa-v6hc-s@1.0.0', name: 'H3Africa Reference Panel (v6)' });
    expect(panels[1].populations.map((population) => population.id)).toContain('eur');
    emulator.setMaintenance(true);
    expect((await adapter.check()).problems).toContain('the server is in maintenance mode');
    await expect(adapter.status('job-1')).rejects.toBeInstanceOf(RemoteError);
    await emulator.close();
    const expired = await setup({}, undefined);
    const stale = createMichiganAdapter(expired.service as MichiganService, { token: emulator.issueToken('alice', { expiresAt: clock.emulators.now() - 1000 }), http: fast });
    const result = await stale.check();
    expect(result.tokenValid).toBe(false);
  });

  test('transport faults: GETs are retried, a POST is never retried (after-phase 500 leaves one job)', async () => {
    const adapter = await setup({ faults: { rate: 0.5, kinds: ['500', '503', '429', 'reset', 'malformed', 'html'], phase: 'before', seed: 3, match: (request) => request.method === 'GET' } });
    const states = [];
    for (let i = 0; i < 5; i++) states.push(await adapter.statusMany(['job-1']).catch((error) => error));
    expect(states.filter((state) => state instanceof Map).length).toBeGreaterThan(0);
    emulator.setFaults({ rate: 1, kinds: ['500'], phase: 'after', match: (request) => request.method === 'POST' });
    await expect(adapter.submit(await request())).rejects.toBeInstanceOf(RemoteError);
    expect(emulator.jobs).toHaveLength(1);
    emulator.setFaults({ rate: 1, kinds: ['reset'], phase: 'after', match: (request) => request.method === 'POST' });
    await expect(adapter.submit(await request())).rejects.toBeInstanceOf(RemoteError);
    expect(emulator.jobs).toHaveLength(2);
    emulator.setFaults(undefined);
    expect(await adapter.findByChild('child-1234', 'p1')).toBe(emulator.jobs[1].id);
  });

  test('secrets never appear in errors even when the server echoes the request', async () => {
    const adapter = await setup({ echoRequestsInErrors: true, submitErrorsAsJson: true, maxJobsPerUser: 0 });
    const token = emulator.tokenFor('alice');
    const outcome = await adapter.submit(await request());
    expect(JSON.stringify(outcome)).not.toContain(token);
    expect(JSON.stringify(outcome)).not.toContain('Pw0rdPw0rdPw0rdPw0rd');
    const error = await adapter.status('job-missing-1').then(() => null, (caught) => caught);
    expect(error).toBeNull();
  });
});
