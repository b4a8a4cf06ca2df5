import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { createVcf, startMichiganEmulator as startEmulator, type MichiganEmulator, type MichiganEmulatorOptions, type VcfFixtureOptions } from '../../src/sandbox/michigan/index.js';
import { FakeClock } from '../helpers/harness.js';
import { until } from '../helpers/until.js';

let emulator: MichiganEmulator;
/** the server's time: its jobs move on only when a test advances it */
let clock: FakeClock;
afterEach(async () => emulator?.close());

/** the emulator on a clock of the test's own */
function startMichiganEmulator(options: MichiganEmulatorOptions = {}): Promise<MichiganEmulator> {
  clock = new FakeClock();
  return startEmulator({ ...options, clock: clock.emulators });
}

const H3 = 'apps@h3africa-v6hc-s@1.0.0';
const KG = 'apps@1000g-phase-3-v5@2.0.0';
/** the default timeline: 30 ms queued, 150 ms running, 30 ms exporting */
const TIMELINE_MS = 210;

async function vcf(options: VcfFixtureOptions = {}, name = 'input.vcf.gz'): Promise<File> {
  const dir = await mkdtemp(join(tmpdir(), 'mi-test-'));
  await createVcf(join(dir, name), options);
  return new File([await readFile(join(dir, name))], name);
}

async function submit(fields: Record<string, string>, files: File[], token = emulator.tokenFor('alice')) {
  const form = new FormData();
  for (const file of files) form.append('files', file);
  for (const [key, value] of Object.entries(fields)) form.append(key, value);
  const response = await fetch(`${emulator.url}/api/v2/jobs/submit/imputationserver2`, { method: 'POST', body: form, headers: { 'X-Auth-Token': token } });
  return { status: response.status, text: await response.text() };
}

const get = async (path: string, token = emulator.tokenFor('alice')) => {
  const response = await fetch(`${emulator.url}${path}`, { headers: { 'X-Auth-Token': token } });
  const text = await response.text();
  return { status: response.status, text, json: () => JSON.parse(text) };
};

/**
 * The server's time moves past the job's timeline (once, so that a slow imputation cannot push the job on
 * into retention), then the job's real work (validation, imputation, zips) brings it to the state.
 */
async function reach(id: string, done: (state: number) => boolean) {
  clock.advance(TIMELINE_MS);
  let job: any;
  await until(async () => done((job = (await get(`/api/v2/jobs/${id}`)).json()).state), `job ${id} to reach ${done}`);
  return job;
}

const base = { refpanel: KG, population: 'eur', build: 'hg19', password: 'Secret1234567890abcd', 'job-name': 'study [c1]' };

describe('Michigan emulator', () => {
  test('auth: 401 framework body, revoked 403, verify shapes, server info and maintenance', async () => {
    emulator = await startMichiganEmulator({ pathPrefix: '/imputationserver' });
    expect(emulator.url).toMatch(/\/imputationserver$/);
    const none = await fetch(`${emulator.url}/api/v2/jobs`);
    expect(none.status).toBe(401);
    expect(await none.json()).toHaveProperty('_embedded');
    expect((await get('/api/v2/jobs', 'garbage')).status).toBe(401);
    const expired = emulator.issueToken('bob', { expiresAt: clock.emulators.now() - 1000 });
    expect((await get('/api/v2/jobs', expired)).status).toBe(401);
    const token = emulator.tokenFor('alice');
    const verify = async (value: string) =>
      (await fetch(`${emulator.url}/api/v2/tokens/verify`, { method: 'POST', body: new URLSearchParams({ token: value }) })).json() as Promise<{ valid: boolean; expire: string }>;
    const valid = await verify(token);
    expect(valid).toMatchObject({ valid: true, username: 'alice', message: 'API Token was created by alice and is valid.' });
    expect(new Date(valid.expire).getTime()).toBeGreaterThan(Date.now());
    expect(JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).username).toBe('alice');
    expect(await verify('nope')).toMatchObject({ valid: false, message: 'Invalid API Token.' });
    expect((await verify(expired)).valid).toBe(false);
    emulator.revokeToken(token);
    expect((await get('/api/v2/jobs', token)).status).toBe(403);
    const fresh = emulator.issueToken('alice');
    const server = (await get('/api/v2/server', fresh)).json();
    expect(server).toMatchObject({ maintenace: false, loggedIn: true, apps: [{ id: 'imputationserver2@2.0.12', version: '2.0.12' }] });
    emulator.setMaintenance(true);
    expect((await get('/api/v2/server', fresh)).json().maintenace).toBe(true);
    const blocked = await get('/api/v2/jobs', fresh);
    expect(blocked.status).toBe(503);
    expect(blocked.json()).toMatchObject({ success: false });
  });

  test('app form lists panels with bound populations', async () => {
    emulator = await startMichiganEmulator();
    const form = (await get('/api/v2/server/apps/imputationserver2')).json();
    const refpanel = form.params.find((param: { id: string }) => param.id === 'refpanel');
    expect(refpanel.type).toBe('app_list');
    expect(refpanel.values.map((value: { key: string }) => value.key)).toEqual([H3, KG]);
    const population = form.params.find((param: { id: string }) => param.id === 'population');
    expect(population).toMatchObject({ type: 'binded_list', bind: 'refpanel' });
    expect(population.values[0].values.map((value: { key: string }) => value.key)).toEqual(['afr', 'mixed', 'off']);
  });

  test('submit: unknown field 400, per-user limit, unique ids, progression to success with a decryptable zip', async () => {
    emulator = await startMichiganEmulator({ maxJobsPerUser: 2 });
    const file = await vcf();
    expect(await submit({ ...base, bogus: '1' }, [file])).toEqual({ status: 400, text: "Parameter 'bogus' not found." });
    const first = await submit(base, [file]);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject({ success: true, message: 'Your job was successfully added to the job queue.' });
    const second = await submit({ ...base, 'job-name': 'other' }, [file]);
    const third = await submit(base, [file]);
    expect(third).toEqual({ status: 400, text: 'Only 2 jobs per user can be executed simultaneously.' });
    const id = JSON.parse(first.text).id as string;
    expect(id).toMatch(/^job-\d{8}-\d{6}-\d{3}$/);
    expect(JSON.parse(second.text).id).not.toBe(id);
    const queued = (await get(`/api/v2/jobs/${id}`)).json();
    expect(queued.state).toBe(1);
    expect(queued.positionInQueue).toBe(1);
    const done = await reach(id, (state) => state === 4);
    expect(done.deletedOn).toBe(-1);
    expect(done.steps.map((step: { name: string }) => step.name)).toEqual(['Input Validation', 'Quality Control', 'Phasing and Imputation', 'Summary']);
    const files = done.outputParams.flatMap((param: { files: unknown[] }) => param.files);
    const zip = files.find((entry: { name: string }) => entry.name === 'chr_20.zip');
    expect(zip.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(zip.count).toBe(10);
    const response = await fetch(`${emulator.url}/share/results/${zip.hash}/chr_20.zip`);
    expect(response.headers.get('content-length')).toBeNull();
    const bytes = new Uint8Array(await response.arrayBuffer());
    const { ZipReader, Uint8ArrayReader, Uint8ArrayWriter } = await import('@zip.js/zip.js');
    const reader = new ZipReader(new Uint8ArrayReader(bytes), { password: base.password, useWebWorkers: false });
    const entries = await reader.getEntries();
    expect(entries.map((entry) => entry.filename).sort()).toEqual(['chr20.dose.vcf.gz', 'chr20.info.gz']);
    expect(entries[0].encrypted).toBe(true);
    const dose = await (entries.find((entry) => entry.filename === 'chr20.dose.vcf.gz') as any).getData(new Uint8ArrayWriter());
    const expected = await emulator.expectedResults(id);
    expect(Buffer.from(dose).equals(expected.get('chr_20.zip/chr20.dose.vcf.gz')!.content!)).toBe(true);
    expect((await get(`/api/v2/jobs/${id}`)).json().outputParams[0].files[0].count).toBe(9);
  });

  test.each<[VcfFixtureOptions, Record<string, string>, string]>([
    [{ compression: 'gzip' }, {}, 'compressed with gzip, not bgzip'],
    [{ secondChromosome: '21' }, {}, 'contains more than one chromosome'],
    [{ samples: 5 }, {}, 'At least 20 samples must be uploaded.'],
    [{ build: 'hg38' }, { build: 'hg19' }, 'This is not a valid hg19 encoding'],
    [{}, { build: 'hg38' }, 'This is not a valid hg38 encoding'],
    [{ chromosome: 'Y' }, {}, "chromosome 'Y'"],
    [{ noGt: true }, {}, 'no GT field'],
    [{ refEqualsAlt: true }, {}, 'REF and ALT alleles are identical'],
    [{}, { population: 'mixed' }, "Population 'mixed' is not supported"],
    [{ phased: false }, { phasing: 'no_phasing' }, 'Your input data is unphased'],
  ])('deferred validation %#: %s', async (fixture, fields, message) => {
    emulator = await startMichiganEmulator({ maxSamples: 1000 });
    const { text } = await submit({ ...base, ...fields }, [await vcf(fixture)]);
    const job = await reach(JSON.parse(text).id, (state) => state === 5);
    const errors = job.steps.flatMap((step: any) => step.logMessages).filter((entry: any) => entry.type === 1);
    expect(job.steps[0].name).toBe('Input Validation');
    expect(errors[0].message.replace(/&#39;/g, "'")).toContain(message);
    expect(job.outputParams.flatMap((param: any) => param.files).map((entry: any) => entry.name)).toContain('qc_report.txt');
  });

  test('different samples across files, unknown panel fails at once without steps', async () => {
    emulator = await startMichiganEmulator();
    const mixed = await submit(base, [await vcf({}, 'a.vcf.gz'), await vcf({ chromosome: '21', samplePrefix: 'T' }, 'b.vcf.gz')]);
    const job = await reach(JSON.parse(mixed.text).id, (state) => state === 5);
    expect(job.steps[0].logMessages[0].message).toContain('samples are not the same');
    const unknown = await submit({ ...base, refpanel: 'apps@nope@1' }, [await vcf()]);
    const failed = (await get(`/api/v2/jobs/${JSON.parse(unknown.text).id}`)).json();
    expect(failed).toMatchObject({ state: 5, steps: [] });
  });

  test('list paging, status, 404/403, cancel, restart, DELETE, retention', async () => {
    emulator = await startMichiganEmulator({ maxJobsPerUser: 100, users: [{ username: 'alice' }, { username: 'bob' }] });
    const file = await vcf();
    const ids: string[] = [];
    for (let i = 0; i < 17; i++) ids.push(JSON.parse((await submit(base, [file])).text).id);
    const all = (await get('/api/v2/jobs')).json();
    expect(all).toMatchObject({ count: 17, page: 1, pageSize: 17, prev: null, next: null, pages: [1] });
    expect(all.data[0]).not.toHaveProperty('steps');
    const page2 = (await get('/api/v2/jobs?page=2')).json();
    expect(page2).toMatchObject({ count: 17, page: 2, pageSize: 15, prev: 1, next: null, pages: [1, 2] });
    expect(page2.data).toHaveLength(2);
    expect((await get(`/api/v2/jobs/${ids[3]}/status`)).json().positionInQueue).toBe(4);
    expect((await get('/api/v2/jobs/job-x')).json()).toEqual({ message: 'Job job-x not found.', success: false });
    expect((await get(`/api/v2/jobs/${ids[0]}`, emulator.tokenFor('bob'))).status).toBe(403);
    expect((await get(`/api/v2/jobs/${ids[0]}/cancel`)).json().state).toBe(6);
    expect((await get(`/api/v2/jobs/${ids[0]}/cancel`)).json().state).toBe(6);
    expect((await get(`/api/v2/jobs/${ids[1]}/restart`)).json()).toEqual({ message: `Job ${ids[1]} is not pending.`, success: false });
    emulator.restartServer();
    expect((await get(`/api/v2/jobs/${ids[1]}/status`)).json().state).toBe(-1);
    expect((await get(`/api/v2/jobs/${ids[1]}/restart`)).status).toBe(200);
    expect((await get(`/api/v2/jobs/${ids[1]}/status`)).json().state).toBe(1);
    const deleted = await fetch(`${emulator.url}/api/v2/jobs/${ids[2]}`, { method: 'DELETE', headers: { 'X-Auth-Token': emulator.tokenFor('alice') } });
    expect(deleted.status).toBe(403);
    await emulator.setState(ids[2], 8);
    expect((await get(`/api/v2/jobs/${ids[2]}`)).json().deletedOn).toBeGreaterThan(0);
  });

  test('download counter: 400 at zero, vanished file 404, retired 404, redirect and Content-Length options', async () => {
    emulator = await startMichiganEmulator({ downloadLimit: 2, chunked: false, redirectDownloads: true, retentionMs: 1500 });
    const { text } = await submit(base, [await vcf()]);
    const id = JSON.parse(text).id;
    const job = await reach(id, (state) => state === 4);
    const [zip, report] = job.outputParams.flatMap((param: any) => param.files);
    const url = `${emulator.url}/share/results/${zip.hash}/${zip.name}`;
    const first = await fetch(url, { redirect: 'manual' });
    expect(first.status).toBe(302);
    const second = await fetch(url);
    expect(second.status).toBe(200);
    expect(Number(second.headers.get('content-length'))).toBeGreaterThan(0);
    await second.arrayBuffer();
    const third = await fetch(url);
    expect([third.status, await third.text()]).toEqual([400, 'number of max downloads exceeded.']);
    emulator.deleteOutputFile(id, report.name);
    expect((await fetch(`${emulator.url}/share/results/${report.hash}/${report.name}`)).status).toBe(404);
    clock.advance(1600);
    expect((await get(`/api/v2/jobs/${id}`)).json().state).toBe(7);
  });

  test('scripted failure and hang, AES with meta', async () => {
    emulator = await startMichiganEmulator({ maxJobsPerUser: 5 });
    emulator.scriptNext({ fail: 'Error: No chunks passed the QC step. Imputation cannot be started!' });
    emulator.scriptNext({ hang: true });
    const file = await vcf();
    const failed = JSON.parse((await submit(base, [file])).text).id;
    const hung = JSON.parse((await submit(base, [file])).text).id;
    const aes = JSON.parse((await submit({ ...base, aesEncryption: 'no', meta: 'x' }, [file])).text).id;
    const job = await reach(failed, (state) => state === 5);
    expect(job.steps.at(-1).logMessages[0]).toMatchObject({ type: 1, message: expect.stringContaining('No chunks passed the QC step') });
    const done = await reach(aes, (state) => state === 4);
    expect((await get(`/api/v2/jobs/${hung}`)).json().state).toBe(2);
    const zip = done.outputParams[0].files[0];
    const bytes = new Uint8Array(await (await fetch(`${emulator.url}/share/results/${zip.hash}/${zip.name}`)).arrayBuffer());
    const { ZipReader, Uint8ArrayReader } = await import('@zip.js/zip.js');
    const entries = await new ZipReader(new Uint8ArrayReader(bytes), { useWebWorkers: false }).getEntries();
    expect(entries.map((entry) => entry.filename)).toContain('chr20.empiricalDose.vcf.gz');
    expect((entries[0] as any).encryptionStrength ?? 3).toBe(3);
    expect(emulator.jobs.find((entry) => entry.id === aes)?.password).toBe(base.password);
  });

  test('faults: after-phase 500 still creates the job; before-phase faults are deterministic', async () => {
    emulator = await startMichiganEmulator({ faults: { rate: 1, kinds: ['500'], phase: 'after' } });
    const reply = await submit(base, [await vcf()]);
    expect(reply.status).toBe(500);
    expect(emulator.jobs).toHaveLength(1);
    emulator.setFaults({ rate: 1, kinds: ['html'], phase: 'before' });
    const html = await get('/api/v2/jobs');
    expect([html.status, html.text]).toEqual([502, expect.stringContaining('nginx')]);
    emulator.setFaults({ rate: 1, kinds: ['reset'] });
    await expect(fetch(`${emulator.url}/api/v2/jobs`)).rejects.toThrow();
    emulator.setFaults(undefined);
    expect((await get('/api/v2/jobs')).status).toBe(200);
    expect(emulator.requests.filter((entry) => entry.path.endsWith('/api/v2/jobs')).length).toBe(3);
  });
});
