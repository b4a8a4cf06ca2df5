/**
 * The emulators impute for real, over their HTTP APIs: a Michigan job's zip holds Minimac4 files imputed
 * against the world's panel (meta decides the empirical file, r2Filter is applied), a WES run's outputs are
 * Beagle files (gp and r2_filter honoured) or, with `engine: minimac4`, Minimac4's (meta adds the empirical
 * file), and a WES run whose input is not attached, or that names an engine the node lacks, fails as such a
 * workflow would. The emulators' default world is the tiny one (milliseconds per job).
 */
import { readFile } from 'node:fs/promises';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { startMichiganEmulator, type MichiganEmulator } from '../../src/sandbox/michigan/index.js';
import { startWesEmulator, type WesEmulator } from '../../src/sandbox/wes/index.js';
import { worldFor } from '../../src/sandbox/world/cache.js';
import { panelOf } from '../../src/sandbox/world/panel.js';
import { TINY_WORLD } from '../../src/sandbox/world/spec.js';
import { writeStudyVcf } from '../../src/sandbox/world/study-files.js';
import { FakeClock } from '../helpers/harness.js';
import { until } from '../helpers/until.js';

const dir = mkdtempSync(join(tmpdir(), 'fedimpute-emulated-'));
const study = join(dir, 'study.vcf.gz');
const world = worldFor(TINY_WORLD);
let michigan: MichiganEmulator | undefined;
let wes: WesEmulator | undefined;
beforeAll(() => writeStudyVcf(world, study));
afterEach(async () => {
  await michigan?.close();
  await wes?.close();
  michigan = wes = undefined;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const rows = (gz: Uint8Array) => gunzipSync(gz).toString('utf8').split('\n').filter((line) => line && !line.startsWith('#')).map((line) => line.split('\t'));
const r2Of = (row: string[]) => Number(/(?:^|;)(?:R2|DR2)=([^;]+)/.exec(row[7])![1]);

async function michiganJob(fields: Record<string, string>): Promise<Map<string, Uint8Array>> {
  const clock = new FakeClock();
  michigan = await startMichiganEmulator({ timing: { queuedMs: 10, runningMs: 40, exportingMs: 10 }, clock: clock.emulators });
  const token = michigan.tokenFor('alice');
  const form = new FormData();
  form.append('files', new File([await readFile(study)], 'study.vcf.gz'));
  const all = { refpanel: 'apps@h3africa-v6hc-s@1.0.0', population: 'afr', build: 'hg38', password: 'Secret1234567890abcd', ...fields };
  for (const [key, value] of Object.entries(all)) form.append(key, value);
  const submitted = await fetch(`${michigan.url}/api/v2/jobs/submit/imputationserver2`, { method: 'POST', body: form, headers: { 'X-Auth-Token': token } });
  const { id } = (await submitted.json()) as { id: string };
  let job: { state: number; outputParams: { files: { name: string; hash: string }[] }[] } | undefined;
  // past the job's timeline at once; then its imputation is what it waits for
  clock.advance(60);
  await until(async () => {
    job = (await (await fetch(`${michigan!.url}/api/v2/jobs/${id}`, { headers: { 'X-Auth-Token': token } })).json()) as typeof job;
    return job!.state >= 4;
  }, 'the job to finish');
  expect(job?.state).toBe(4);
  const zip = job!.outputParams.flatMap((param) => param.files).find((file) => file.name === 'chr_20.zip')!;
  const bytes = new Uint8Array(await (await fetch(`${michigan.url}/share/results/${zip.hash}/chr_20.zip`)).arrayBuffer());
  const { ZipReader, Uint8ArrayReader, Uint8ArrayWriter } = await import('@zip.js/zip.js');
  const reader = new ZipReader(new Uint8ArrayReader(bytes), { password: all.password, useWebWorkers: false });
  const entries = new Map<string, Uint8Array>();
  for (const entry of await reader.getEntries()) entries.set(entry.filename, await (entry as any).getData(new Uint8ArrayWriter()));
  return entries;
}

describe('Michigan emulator', () => {
  test('a job is imputed against population A\'s panel; meta adds the empirical file; r2Filter drops sites', async () => {
    const plain = await michiganJob({});
    expect([...plain.keys()].sort()).toEqual(['chr20.dose.vcf.gz', 'chr20.info.gz']);
    const dose = rows(plain.get('chr20.dose.vcf.gz')!);
    expect(dose.filter((row) => row[7].endsWith(';IMPUTED') && !row[7].includes('TYPED')).length).toBeGreaterThan(panelOf(world, 'A').positions.length / 2);
    // every panel site, plus the chip's sites that A's panel lacks (TYPED-only, as --all-typed-sites writes them)
    expect(dose.filter((row) => !row[7].endsWith(';R2=1;TYPED')).length).toBe(panelOf(world, 'A').positions.length);
    expect(gunzipSync(plain.get('chr20.dose.vcf.gz')!).toString()).toContain('##mis_panel=h3africa-v6hc-s');
    await michigan!.close();

    const meta = await michiganJob({ meta: 'yes', r2Filter: '0.3' });
    expect([...meta.keys()].sort()).toEqual(['chr20.dose.vcf.gz', 'chr20.empiricalDose.vcf.gz', 'chr20.info.gz']);
    const filtered = rows(meta.get('chr20.dose.vcf.gz')!);
    expect(filtered.every((row) => r2Of(row) >= 0.3)).toBe(true);
    expect(filtered.length).toBe(dose.filter((row) => r2Of(row) >= 0.3).length);
    expect(rows(meta.get('chr20.empiricalDose.vcf.gz')!).every((row) => row[8] === 'GT:LDS')).toBe(true);
  });
});

interface RunLog {
  state: string;
  outputs: Record<string, { location: string; basename: string }>;
  run_log: { stderr: string };
}

async function wesRun(params: Record<string, unknown>, attach: boolean): Promise<{ state: string; body: RunLog }> {
  const clock = new FakeClock();
  wes = await startWesEmulator({ timing: { queuedMs: 5, initializingMs: 5, runningMs: 20 }, clock: clock.emulators });
  const form = new FormData();
  form.append('workflow_url', 'impute.cwl');
  form.append('workflow_type', 'CWL');
  form.append('workflow_type_version', 'v1.2');
  form.append('workflow_params', JSON.stringify({ target_vcf: { class: 'File', path: attach ? 'study.vcf.gz' : 'https://data.example.org/study.vcf.gz' }, ...params }));
  form.append('workflow_attachment', new Blob(['cwlVersion: v1.2\n']), 'impute.cwl');
  if (attach) form.append('workflow_attachment', new Blob([await readFile(study)]), 'study.vcf.gz');
  const { run_id } = (await (await fetch(`${wes.apiRoot}/runs`, { method: 'POST', body: form })).json()) as { run_id: string };
  let body = { state: 'QUEUED' } as RunLog;
  // past the run's timeline at once; then its workflow is what it waits for
  clock.advance(30);
  await until(async () => {
    body = (await (await fetch(`${wes!.apiRoot}/runs/${run_id}`)).json()) as RunLog;
    return ['COMPLETE', 'EXECUTOR_ERROR'].includes(body.state);
  }, 'the run to end');
  return { state: body.state, body };
}

describe('WES emulator', () => {
  test('a run is imputed against population B\'s panel; gp adds GP; r2_filter drops imputed sites', async () => {
    const { state, body } = await wesRun({ gp: true, r2_filter: 0.3 }, true);
    expect(state).toBe('COMPLETE');
    expect(body.outputs.imputed_dose).toMatchObject({ basename: 'study.dose.vcf.gz' });
    const dose = rows(new Uint8Array(await (await fetch(body.outputs.imputed_dose.location)).arrayBuffer()));
    expect(dose.every((row) => row[8] === 'GT:DS:GP' && r2Of(row) >= 0.3)).toBe(true);
    expect(dose.length).toBeLessThan(panelOf(world, 'B').positions.length);
    expect(dose.some((row) => row[7].endsWith(';IMP'))).toBe(true);
  });

  test('a run whose VCF is not attached cannot read it: EXECUTOR_ERROR saying so', async () => {
    const { state, body } = await wesRun({}, false);
    expect(state).toBe('EXECUTOR_ERROR');
    const log = await (await fetch(body.run_log.stderr)).text();
    expect(log).toContain('the input VCF cannot be read on this server: only VCFs attached to the run (workflow_attachment) are');
  });

  test('engine minimac4: Minimac4\'s files as the tool writes them; meta adds the leave-one-out dosages', async () => {
    const { state, body } = await wesRun({ engine: 'minimac4', meta: true }, true);
    expect(state).toBe('COMPLETE');
    expect(Object.keys(body.outputs).sort()).toEqual(['imputed_dose', 'imputed_empirical', 'imputed_info', 'log']);
    expect(body.outputs.imputed_empirical).toMatchObject({ basename: 'study.empiricalDose.vcf.gz' });
    const bytes = async (key: string) => new Uint8Array(await (await fetch(body.outputs[key].location)).arrayBuffer());
    const doseBytes = await bytes('imputed_dose');
    const header = gunzipSync(doseBytes).toString('utf8').split('\n').filter((line) => line.startsWith('##'));
    // minimac4's own header: no Michigan server annotation
    expect(header).toContain('##source=Minimac v4.1.2');
    expect(header.some((line) => line.startsWith('##mis_') || line.startsWith('##bcftools'))).toBe(false);
    const dose = rows(doseBytes);
    expect(dose.slice(1).every((row) => row[8] === 'GT:DS:HDS')).toBe(true);
    expect(dose.filter((row) => row[7].endsWith(';IMPUTED') && !row[7].includes('TYPED')).length).toBeGreaterThan(panelOf(world, 'B').positions.length / 2);
    const empirical = rows(await bytes('imputed_empirical'));
    expect(empirical.length).toBeGreaterThan(10);
    expect(empirical.every((row) => row[8] === 'GT:LDS' && row[7] === 'TYPED;IMPUTED')).toBe(true);
  });

  test('meta with Beagle: no leave-one-out output (Beagle has none), and the log says so; an unknown engine fails the run', async () => {
    const beagle = await wesRun({ meta: true }, true);
    expect(beagle.state).toBe('COMPLETE');
    expect(Object.keys(beagle.body.outputs).sort()).toEqual(['imputed_dose', 'imputed_info', 'log']);
    expect(await (await fetch(beagle.body.outputs.log.location)).text()).toMatch(/^meta: ignored, Beagle writes no leave-one-out dosages$/m);
    await wes!.close();
    const unknown = await wesRun({ engine: 'impute5' }, true);
    expect(unknown.state).toBe('EXECUTOR_ERROR');
    expect(await (await fetch(unknown.body.run_log.stderr)).text()).toContain("engine 'impute5' is not installed on this node (it runs beagle or minimac4)");
  });
});
