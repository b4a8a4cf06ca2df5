/**
 * The Michigan adapter's pure modules, without a server: the state table and a job's details and progress,
 * the list's quirks, the submit form and what its answer means, the published files, the capabilities.
 */
import { describe, expect, test } from 'vitest';
import { capabilitiesOf } from '../../src/adapters/capabilities.js';
import { goneJob, mapJob } from '../../src/adapters/michigan/details.js';
import { jobOfChild, nextPage } from '../../src/adapters/michigan/jobs.js';
import { approximateBytes, outputsOf } from '../../src/adapters/michigan/outputs.js';
import { mapMichiganState } from '../../src/adapters/michigan/states.js';
import { submitForm, submitRefusal } from '../../src/adapters/michigan/submission.js';
import type { SubmitRequest } from '../../src/adapters/types.js';
import { RemoteError } from '../../src/errors.js';
import type { MichiganService } from '../../src/registry/types.js';

const service: MichiganService = {
  id: 1, slug: 'h3africa', name: 'H3Africa', type: 'michigan', base_url: 'https://impute.example.org', token: { kind: 'none' },
  max_samples: 20_000, source: { file: 'services.yaml', index: 0 },
  panels: [
    { id: 37, name: 'H3Africa v6', remote_id: 'apps@h3africa-v6hc-s@1.0.0', build: 'hg38', populations: ['afr', 'off'] },
    { id: 38, name: '1000G', remote_id: 'apps@1000g@2.0.0', build: 'hg19', populations: ['afr', 'eur'] },
  ],
};
const plain = (html: string) => html.replace(/<[^>]*>/g, '');
const request: SubmitRequest = {
  parentId: 'p', childId: 'c', jobName: 'study [c]', files: [{ path: '/data/study.vcf', name: 'study.vcf', size: 10 }],
  panelId: 37, build: 'hg38', phasing: 'eagle', mode: 'qc-only', password: 'secret', meta: true,
};

describe('Michigan states and details', () => {
  test('every documented code maps; an unknown one keeps the previous status', () => {
    expect([-1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((code) => mapMichiganState(code).status)).toEqual([
      null, 'queued', 'running', 'running', 'completed', 'failed', 'canceled', 'completed', 'completed', 'failed', 'completed',
    ]);
    expect(mapMichiganState(42)).toMatchObject({ status: null, hint: 'unrecognised Cloudgene state 42; keeping the previous status' });
  });

  test('progress from the step and its (k/n) (within the imputation step\'s share, 12–89 %), the running step, errors as the message, results kept 7 days', () => {
    const steps = [
      { name: 'QC', logMessages: [{ message: '<b>Quality control</b> done', type: 0 }] },
      { name: 'Imputation', logMessages: [{ message: 'Imputation (3/12)', type: 0 }, { message: 'Imputing chr20', type: 3 }] },
    ];
    const running = mapJob({ id: 'job-1', state: 2, startTime: 1_000, steps }, plain);
    // 3 of 12 chunks: 12 + 3/12 × (89 − 12) ≈ 31 % of the whole job, not 25 % (the step is not the job)
    expect(running).toMatchObject({ status: 'running', rawState: '2', progress: 31, step: 'Imputing chr20', message: 'Imputing chr20' });
    expect(running.messages).toEqual(['Quality control done', 'Imputation (3/12)', 'Imputing chr20']);
    expect(running.startedAt).toBe(new Date(1_000).toISOString());
    const failed = mapJob({ id: 'job-1', state: 5, endTime: 5_000, steps: [{ name: 'QC', logMessages: [{ message: 'No chunks passed QC', type: 1 }] }] }, plain);
    expect(failed).toMatchObject({ status: 'failed', message: 'No chunks passed QC', endedAt: new Date(5_000).toISOString() });
    expect(Date.parse(failed.resultsExpireAt!) - 5_000).toBe(7 * 24 * 3600 * 1000);
    expect(mapJob({ id: 'j', state: 4, deletedOn: 9_000 }, plain)).toMatchObject({ progress: 100, resultsExpireAt: new Date(9_000).toISOString() });
    expect(mapJob({ id: 'j', state: 1, positionInQueue: 3 }, plain)).toMatchObject({ status: 'queued', progress: 0, queuePosition: 3 });
  });

  test('a job the server no longer knows is retired, with its own message', () => {
    expect(goneJob('H3Africa', 'job-9', plain)).toMatchObject({ rawState: '404', retired: true, message: 'H3Africa no longer knows job job-9', messages: [] });
  });
});

describe('Michigan list, form, answers and outputs', () => {
  test('the list is followed only while it names a next page other than itself; the child is found by job-name', () => {
    expect(nextPage({ page: 1, next: 2 })).toBe('/jobs?page=2');
    expect(nextPage({ page: 2, next: 2 })).toBeUndefined();
    expect(nextPage({})).toBeUndefined();
    expect(jobOfChild([{ id: 'a', name: 'x [c-1]' }, { id: 'b', name: null }, { id: 'c', name: 'y [c-2]' }], 'c-2')).toBe('c');
    expect(jobOfChild([{ id: 'a', name: 'x [c-1]' }], 'c-3')).toBeNull();
  });

  test('the form: files named *.vcf.gz, checkboxes by presence, population off when the panel allows it', () => {
    const parts = submitForm(service, request);
    if ('rejected' in parts) throw new Error(parts.rejected);
    const fields = Object.fromEntries(parts.filter((part) => 'value' in part).map((part) => [part.name, 'value' in part ? part.value : '']));
    expect(fields).toEqual({
      refpanel: 'apps@h3africa-v6hc-s@1.0.0', population: 'off', build: 'hg38', phasing: 'eagle', r2Filter: '0', mode: 'qc_only',
      meta: 'yes', password: 'secret', 'job-name': 'study [c]',
    });
    expect(parts[0]).toMatchObject({ name: 'files', filename: 'study.vcf.gz', path: '/data/study.vcf' });
    expect(submitForm(service, { ...request, panelId: 38 })).toEqual({ rejected: 'panel 1000G needs a population (afr, eur)' });
    expect(submitForm(service, { ...request, panelId: 99 })).toEqual({ rejected: 'panel 99 is not configured for H3Africa' });
  });

  test('answers: no free slot, refusals, and server trouble that may have created the job', () => {
    expect(submitRefusal('H3Africa', 400, 'Only 2 jobs per user can be executed simultaneously.')).toEqual({
      kind: 'no-slot', message: 'Only 2 jobs per user can be executed simultaneously.',
    });
    expect(submitRefusal('H3Africa', 400, 'bad build')).toEqual({ kind: 'rejected', message: 'bad build' });
    expect(submitRefusal('H3Africa', 413, 'too big')).toEqual({ kind: 'rejected', message: 'H3Africa refused the upload as too large (HTTP 413): too big' });
    const trouble = submitRefusal('H3Africa', 502, 'bad gateway');
    expect(trouble).toBeInstanceOf(RemoteError);
    expect(trouble).toMatchObject({ retryable: true, message: 'H3Africa: submission failed (HTTP 502): bad gateway' });
    expect((submitRefusal('H3Africa', 409, 'conflict') as RemoteError).retryable).toBe(false);
  });

  test('outputs: capability URLs outside /api/v2, rounded sizes, downloads left, encrypted zips', () => {
    const outputs = outputsOf(
      { outputParams: [{ name: 'output', files: [{ name: 'chr_20.zip', hash: 'h1', size: '1.5 MB', count: 10 }] }, { name: 'statistics', files: [{ name: 'statistics/a b.txt', hash: 'h2', size: 512 }] }] },
      'https://impute.example.org',
    );
    expect(outputs).toEqual([
      { name: 'chr_20.zip', url: 'https://impute.example.org/share/results/h1/chr_20.zip', scheme: 'http', size: 1_572_864, downloadsLeft: 10, group: 'output', encrypted: true },
      { name: 'statistics/a b.txt', url: 'https://impute.example.org/share/results/h2/statistics/a%20b.txt', scheme: 'http', size: 512, downloadsLeft: undefined, group: 'statistics', encrypted: false },
    ]);
    expect([approximateBytes('314 bytes'), approximateBytes('2 KB'), approximateBytes('1 GB'), approximateBytes('lots')]).toEqual([314, 2048, 1 << 30, undefined]);
  });

  test('capabilities: result password, counted downloads, no token on result links, the registry\'s sample limit', () => {
    expect(capabilitiesOf(service)).toEqual({
      protocol: 'Michigan API', listJobs: true, cancelMayBeNoop: false, findByChild: true, resultPassword: true, countedDownloads: true,
      sameOriginOutputAuth: false, maxSamples: 20_000, liftsOver: true, localRoots: [],
    });
  });
});
