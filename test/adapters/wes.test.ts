import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { apiRootOf, createWesAdapter } from '../../src/adapters/wes/index.js';
import type { SubmitRequest } from '../../src/adapters/types.js';
import { AuthError, RemoteError } from '../../src/errors.js';
import type { WesService } from '../../src/registry/types.js';
import { startWesEmulator, type WesEmulator, type WesEmulatorOptions } from '../../src/sandbox/wes/index.js';
import { FakeClock } from '../helpers/harness.js';
import { until } from '../helpers/until.js';

const dir = mkdtempSync(join(tmpdir(), 'wes-adapter-'));
const vcf = join(dir, 's1.vcf.gz');
writeFileSync(vcf, gzipSync('##fileformat=VCFv4.2\n#CHROM\tPOS\n20\t60343\t.\tG\tA\n'));
const cwl = join(dir, 'impute.cwl');
writeFileSync(cwl, 'cwlVersion: v1.2\n');
const FAST = { queuedMs: 5, initializingMs: 5, runningMs: 30 };
const HTTP = { baseDelayMs: 1, maxDelayMs: 2, retries: 3 };

let emulator: WesEmulator;
/** the emulator's time: a run moves on when a test advances it (its workflow, real work, is waited for) */
let clock: FakeClock;
afterEach(() => emulator?.close());

function cwlService(url: string, extra: Partial<WesService> = {}): WesService {
  return {
    id: 5, slug: 'ref', name: 'Reference WES', type: 'wes', base_url: url, api_prefix: '/ga4gh/wes/v1', token: { kind: 'none' },
    source: { file: 'services.yaml', index: 0 },
    workflow: { url: 'impute.cwl', type: 'CWL', version: 'v1.2', attachments: [cwl], engine_parameters: {}, engine: 'cwltool', engine_version: '3.1' },
    input: { mode: 'attachment' },
    params: { target_vcf: { class: 'File', path: '{{input}}' }, panel: '{{panel.path}}', job: '{{job_id}}' },
    outputs: { include: ['**/*.dose.vcf.gz', '**/*.info.gz'], local_roots: [] },
    panels: [{ id: 39, name: '1000G', build: 'hg38', populations: [], params: { path: '/refs/1kg.vcf.gz' } }],
    ...extra,
  };
}
function nfService(url: string): WesService {
  return cwlService(url, {
    name: 'ILIFU', slug: 'ilifu',
    workflow: { url: 'https://github.com/h3abionet/chipimputation/tree/master', type: 'NEXTFLOW', version: '21.04.0', attachments: [], engine_parameters: {} },
    input: { mode: 'url', url_prefix: 'https://data.example.org/in/' },
    params: { target_datasets: [['{{job_id}}', '{{input}}']], ref_panels: '{{panel.ref_panels}}' },
    panels: [{ id: 39, name: '1000G', build: 'hg38', populations: [], params: { ref_panels: [['1kg', '/refs/chr%s.m3vcf.gz']] } }],
  });
}
const request = (child = 'child-1'): SubmitRequest => ({
  parentId: 'parent-1', childId: child, jobName: child, files: [{ path: vcf, name: 's1.vcf.gz', size: statSync(vcf).size }],
  panelId: 39, build: 'hg38', phasing: 'eagle', mode: 'imputation',
});

async function setup(options: WesEmulatorOptions = {}, make = cwlService, token?: string) {
  clock = new FakeClock();
  emulator = await startWesEmulator({ timing: FAST, clock: clock.emulators, ...options });
  return createWesAdapter(make(emulator.url), { token, http: HTTP });
}
async function submitted(adapter: ReturnType<typeof createWesAdapter>, child = 'child-1') {
  const outcome = await adapter.submit(request(child));
  if (outcome.kind !== 'submitted') throw new Error(JSON.stringify(outcome));
  return outcome.remoteId;
}

describe('api root', () => {
  it('adds the prefix once, allows "" and a base_url that already ends with it', () => {
    expect(apiRootOf({ base_url: 'http://h:1/', api_prefix: '/ga4gh/wes/v1' })).toBe('http://h:1/ga4gh/wes/v1');
    expect(apiRootOf({ base_url: 'http://h:1/ga4gh/wes/v1', api_prefix: '/ga4gh/wes/v1' })).toBe('http://h:1/ga4gh/wes/v1');
    expect(apiRootOf({ base_url: 'http://h:1', api_prefix: '' })).toBe('http://h:1');
  });
  it('talks to a server at the root (Sapporo-style)', async () => {
    emulator = await startWesEmulator({ apiPrefix: '', timing: FAST });
    const adapter = createWesAdapter(cwlService(emulator.url, { api_prefix: '' }), { http: HTTP });
    expect((await adapter.check()).reachable).toBe(true);
  });
});

describe('submit', () => {
  it('attachment mode: rendered params, tags, workflow + VCF attachments, no engine fields on 1.0.0', async () => {
    const adapter = await setup();
    const id = await submitted(adapter);
    const run = emulator.run(id)!;
    expect(run.request.workflow_params).toEqual({ target_vcf: { class: 'File', path: 's1.vcf.gz' }, panel: '/refs/1kg.vcf.gz', job: 'child-1' });
    expect(run.request.tags).toEqual({ fedimpute_parent: 'parent-1', fedimpute_child: 'child-1' });
    expect(run.attachments.map((file) => file.name)).toEqual(['impute.cwl', 's1.vcf.gz']);
    expect(run.request.workflow_engine).toBeUndefined();
  });
  it('1.1.0 servers get workflow_engine fields', async () => {
    const adapter = await setup({ version: '1.1.0' });
    expect(emulator.run(await submitted(adapter))!.request).toMatchObject({ workflow_engine: 'cwltool', workflow_engine_version: '3.1' });
  });
  it('url mode on the starter kit: NEXTFLOW by GitHub URL, list-typed params kept', async () => {
    const adapter = await setup({ flavor: 'starter-kit' }, nfService);
    const run = emulator.run(await submitted(adapter))!;
    expect(run.request.workflow_params).toEqual({ target_datasets: [['child-1', 'https://data.example.org/in/s1.vcf.gz']], ref_panels: [['1kg', '/refs/chr%s.m3vcf.gz']] });
    expect(run.attachments).toEqual([]);
  });
  it('rejections read msg / detail / message', async () => {
    for (const flavor of ['spec', 'reference', 'starter-kit'] as const) {
      emulator = await startWesEmulator({ flavor, timing: FAST });
      const adapter = createWesAdapter(cwlService(emulator.url, { workflow: { ...cwlService('').workflow, version: 'v9' } }), { http: HTTP });
      const outcome = await adapter.submit(request());
      expect(outcome.kind).toBe('rejected');
      expect(outcome.kind === 'rejected' && outcome.message).toMatch(/workflow_type_version v9 is not supported|does not accept workflow_attachment/);
      await emulator.close();
    }
  });
  it('401 → AuthError naming the service; error echoes never leak the token', async () => {
    const adapter = await setup({ token: 'right-token-abcdef', echoRequestsInErrors: true }, cwlService, 'wrong-token-abcdef');
    const error = await adapter.submit(request()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).service).toBe('Reference WES');
    await emulator.close();
    const good = await setup({ token: 'right-token-abcdef', echoRequestsInErrors: true }, (url) => cwlService(url, { workflow: { ...cwlService('').workflow, type: 'WDL' } }), 'right-token-abcdef');
    const outcome = await good.submit(request());
    expect(JSON.stringify(outcome)).not.toContain('right-token-abcdef');
  });
  it('never retries POST /runs after a response: a reset after the run was created throws, findByChild recovers it', async () => {
    const adapter = await setup({ faults: { rate: 1, kinds: ['reset'], phase: 'after', match: (incoming) => incoming.method === 'POST' } });
    await expect(adapter.submit(request('child-9'))).rejects.toBeInstanceOf(RemoteError);
    expect(emulator.requests.filter((item) => item.method === 'POST')).toHaveLength(1);
    expect(emulator.runs).toHaveLength(1);
    emulator.setFaults(undefined);
    expect(await adapter.findByChild('child-9', 'parent-1')).toBe(emulator.runs[0].run_id);
    expect(await adapter.findByChild('child-x', 'parent-1')).toBeNull();
  });
});

describe('status', () => {
  it('statusMany pages the list (one request per page), no per-run calls for listed runs', async () => {
    const adapter = await setup({ maxPageSize: 2 });
    const ids = [await submitted(adapter, 'a'), await submitted(adapter, 'b'), await submitted(adapter, 'c')];
    clock.advance(40);
    // past their time, the runs complete when their workflows have written the outputs
    await until(() => emulator.runs.every((run) => run.state === 'COMPLETE'), 'the three runs to complete');
    emulator.requests.length = 0;
    const states = await adapter.statusMany(ids);
    expect([...states.values()].map((state) => state.status)).toEqual(['completed', 'completed', 'completed']);
    expect(emulator.requests.map((item) => item.route)).toEqual(['/runs', '/runs']);
  });
  it('retries GETs on 503 and maps states incl. SYSTEM_ERROR, PREEMPTED, CANCELED', async () => {
    const adapter = await setup({ version: '1.1.0' });
    const id = await submitted(adapter);
    emulator.setFaults({ rate: 0.3, kinds: ['503'], seed: 7 });
    for (const [state, expected] of [['SYSTEM_ERROR', 'failed'], ['PREEMPTED', 'failed'], ['CANCELED', 'canceled'], ['PAUSED', 'running'], ['UNKNOWN', null]] as const) {
      emulator.setState(id, state);
      expect((await adapter.status(id)).status).toBe(expected);
    }
  });
  it('reference server: a run it forgot (RUNNING on /status, 404 on GET) is reported lost: no status of its own, the user decides', async () => {
    // no time passes: the kept run stays queued
    const adapter = await setup({ flavor: 'reference' });
    const kept = await submitted(adapter, 'a');
    const forgotten = await submitted(adapter, 'b');
    emulator.forgetRun(forgotten);
    const states = await adapter.statusMany([kept, forgotten]);
    expect(states.get(kept)!.status).toBe('queued');
    expect(states.get(forgotten)).toMatchObject({ status: null, lost: true, message: expect.stringMatching(/no longer knows/) });
  });
  it('reference server: restart ends runs in flight as failed with the log text as message', async () => {
    const adapter = await setup({ flavor: 'reference', timing: { queuedMs: 5, initializingMs: 5, runningMs: 60_000 } });
    const id = await submitted(adapter);
    await emulator.restartServer();
    const details = await adapter.details(id);
    expect(details).toMatchObject({ status: 'failed', rawState: 'EXECUTOR_ERROR', message: expect.stringMatching(/server restart/) });
    expect(details.startedAt).toBeUndefined();
  });
  it('starter kit: in-flight runs are asked one by one; the transient 400 keeps the previous status', async () => {
    const adapter = await setup({ flavor: 'starter-kit', timing: { queuedMs: 5, initializingMs: 5, runningMs: 60_000 } }, nfService);
    const id = await submitted(adapter);
    const first = (await adapter.statusMany([id])).get(id)!;
    expect(first.status).toBeNull();
    clock.advance(120);
    expect((await adapter.statusMany([id])).get(id)!.status).toBe('running');
    expect(emulator.requests.filter((item) => item.route.startsWith('/runs/')).every((item) => item.route.endsWith('/status'))).toBe(true);
  });
});

describe('details, outputs, cancel, check', () => {
  it('details: failure message from stderr text (reference) and system_logs (1.1.0), progress from tasks', async () => {
    let adapter = await setup({ flavor: 'reference' });
    emulator.scriptNext({ fail: 'phasing failed: chr20 missing' });
    let id = await submitted(adapter);
    clock.advance(40);
    expect((await adapter.details(id)).message).toMatch(/phasing failed: chr20 missing/);
    await emulator.close();
    adapter = await setup({ version: '1.1.0', timing: { queuedMs: 0, initializingMs: 0, runningMs: 400 } });
    id = await submitted(adapter);
    clock.advance(220);
    const running = await adapter.details(id);
    expect(running.status).toBe('running');
    expect(running.progress).toBeGreaterThan(0);
    expect(running.progress).toBeLessThan(100);
    emulator.scriptNext({ fail: 'out of memory' });
    const failed = await submitted(adapter, 'child-2');
    clock.advance(400);
    expect((await adapter.details(failed)).message).toBe('out of memory');
  });
  it('outputs: include globs select dose/info, http and file schemes', async () => {
    for (const mode of ['http', 'file'] as const) {
      const adapter = await setup({ outputs: mode });
      const id = await submitted(adapter);
      clock.advance(40);
      await until(() => emulator.run(id)!.state === 'COMPLETE', 'the run to complete');
      const outputs = await adapter.outputs(id);
      expect(outputs.map((output) => output.name)).toEqual(['s1.dose.vcf.gz', 's1.info.gz']);
      expect(outputs.every((output) => output.scheme === mode && typeof output.size === 'number')).toBe(true);
      await emulator.close();
    }
  });
  it('cancel is "requested" on every flavor; the spec server then reaches CANCELED', async () => {
    const slow = { queuedMs: 5, initializingMs: 5, runningMs: 60_000 };
    for (const [flavor, make, expected] of [['spec', cwlService, 'CANCELED'], ['reference', cwlService, 'RUNNING'], ['starter-kit', nfService, 'CANCELED']] as const) {
      const adapter = await setup({ flavor, timing: slow }, make);
      const id = await submitted(adapter);
      clock.advance(20);
      expect(emulator.run(id)!.state).toBe('RUNNING');
      expect(await adapter.cancel(id)).toEqual({ kind: 'requested' });
      clock.advance(5);
      expect(emulator.run(id)!.state).toBe(expected);
      await emulator.close();
    }
  });
  it('check: version, type/version mismatches, bare arrays, bad token', async () => {
    let adapter = await setup({ version: '1.1.0' });
    expect(await adapter.check()).toMatchObject({ reachable: true, version: 'WES 1.1.0', problems: [] });
    await emulator.close();
    emulator = await startWesEmulator({ flavor: 'starter-kit' });
    adapter = createWesAdapter(cwlService(emulator.url, { workflow: { ...cwlService('').workflow, type: 'nextflow', version: '21.04.0' } }), { http: HTTP });
    expect((await adapter.check()).problems.join()).toMatch(/workflow.type nextflow is not offered.*spells it NEXTFLOW/);
    await emulator.close();
    adapter = await setup({ token: 'good-token-123456' }, cwlService, 'bad-token-1234567');
    const check = await adapter.check();
    expect(check.tokenValid).toBe(false);
    expect(JSON.stringify(check)).not.toContain('bad-token-1234567');
  });
});
