import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { startWesEmulator, type WesEmulator, type WesEmulatorOptions } from '../../src/sandbox/wes/index.js';
import { FakeClock } from '../helpers/harness.js';
import { until } from '../helpers/until.js';

const VCF = gzipSync('##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n20\t60343\t.\tG\tA\t.\tPASS\t.\n');
const FAST = { queuedMs: 5, initializingMs: 5, runningMs: 20 };
let emulator: WesEmulator;
/** the server's time: its runs move on only when a test advances it (their workflows, real work, are waited for) */
let clock: FakeClock;
afterEach(() => emulator?.close());

async function start(options: WesEmulatorOptions = {}) {
  clock = new FakeClock();
  emulator = await startWesEmulator({ timing: FAST, clock: clock.emulators, ...options });
  return emulator;
}

function form(fields: Record<string, string>, files: { name: string; content: Buffer | string }[] = []): FormData {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) data.append(key, value);
  for (const file of files) data.append('workflow_attachment', new Blob([file.content]), file.name);
  return data;
}

const CWL = { workflow_url: 'impute.cwl', workflow_type: 'CWL', workflow_type_version: 'v1.2', workflow_params: '{"vcf":{"class":"File","path":"s1.vcf.gz"}}', tags: '{"fedimpute_parent":"P","fedimpute_child":"C"}' };
const ATTACHED = [{ name: 'impute.cwl', content: 'cwlVersion: v1.2' }, { name: 's1.vcf.gz', content: VCF }];

async function submit(fields: Record<string, string> = CWL, files = ATTACHED, headers: Record<string, string> = {}) {
  return fetch(`${emulator.apiRoot}/runs`, { method: 'POST', body: form(fields, files), headers });
}
const json = async (path: string, init?: RequestInit) => {
  const response = await fetch(emulator.apiRoot + path, init);
  return { status: response.status, type: response.headers.get('content-type'), body: (await response.text().then((text) => (text ? JSON.parse(text) : ''))) as any };
};
/** past a FAST run's timeline, what is left is the workflow's real work */
const PAST_FAST = 30;

describe('service-info', () => {
  it('1.0.0: type versions as objects, engine versions as strings, no GA4GH fields', async () => {
    await start();
    const { body } = await json('/service-info');
    expect(body.workflow_type_versions.CWL).toEqual({ workflow_type_version: ['v1.0', 'v1.2'] });
    expect(typeof body.workflow_engine_versions.cwltool).toBe('string');
    expect(body.supported_wes_versions).toEqual(['1.0.0']);
    expect(body.id).toBeUndefined();
  });
  it('1.1.0: GA4GH service-info fields and {workflow_engine_version:[...]}', async () => {
    await start({ version: '1.1.0' });
    const { body } = await json('/service-info');
    expect(body).toMatchObject({ id: expect.any(String), name: expect.any(String), type: { artifact: 'wes', version: '1.1.0' }, organization: { name: 'fedimpute' }, version: expect.any(String) });
    expect(body.workflow_engine_versions.cwltool).toEqual({ workflow_engine_version: ['3.1'] });
  });
  it('starter kit: bare arrays', async () => {
    await start({ flavor: 'starter-kit' });
    expect((await json('/service-info')).body.workflow_type_versions.NEXTFLOW).toEqual(['21.04.0']);
  });
  it('serves at the root with apiPrefix ""', async () => {
    await start({ apiPrefix: '' });
    expect(emulator.apiRoot).toBe(emulator.url);
    expect((await fetch(`${emulator.url}/service-info`)).status).toBe(200);
  });
});

describe('runs (spec flavor)', () => {
  it('runs QUEUED → COMPLETE with File outputs whose contents match expectedOutputs', async () => {
    await start();
    const { run_id } = (await (await submit()).json()) as { run_id: string };
    expect((await json(`/runs/${run_id}/status`)).body.state).toBe('QUEUED');
    clock.advance(PAST_FAST);
    let body = (await json(`/runs/${run_id}`)).body;
    expect(body.state).toBe('RUNNING');
    await until(async () => (body = (await json(`/runs/${run_id}`)).body).state === 'COMPLETE', 'the run to complete');
    expect(body.request.tags).toEqual({ fedimpute_parent: 'P', fedimpute_child: 'C' });
    expect(Object.keys(body.outputs)).toEqual(['imputed_dose', 'imputed_info', 'log']);
    const dose = body.outputs.imputed_dose;
    expect(dose).toMatchObject({ class: 'File', basename: 's1.dose.vcf.gz' });
    const downloaded = Buffer.from(await (await fetch(dose.location)).arrayBuffer());
    expect(downloaded).toEqual(emulator.expectedOutputs(run_id).get('imputed/s1.dose.vcf.gz'));
    expect(dose.checksum).toBe(`sha1$${createHash('sha1').update(downloaded).digest('hex')}`);
    expect(dose.size).toBe(downloaded.length);
    expect(emulator.run(run_id)?.attachments.map((file) => [file.name, file.size])).toEqual([['impute.cwl', 16], ['s1.vcf.gz', VCF.length]]);
    emulator.deleteOutput(run_id, 'imputed/s1.dose.vcf.gz');
    expect((await fetch(dose.location)).status).toBe(404);
  });
  it('file outputs are file:// paths that exist', async () => {
    await start({ outputs: 'file' });
    const { run_id } = (await (await submit()).json()) as { run_id: string };
    clock.advance(PAST_FAST);
    await until(() => emulator.run(run_id)?.state === 'COMPLETE', 'the run to complete');
    const location = (await json(`/runs/${run_id}`)).body.outputs.imputed_info.location as string;
    expect(location.startsWith('file://')).toBe(true);
    expect(readFileSync(fileURLToPath(location))).toEqual(emulator.expectedOutputs(run_id).get('imputed/s1.info.gz'));
  });
  it('pages GET /runs with next_page_token "" on the last page', async () => {
    await start();
    for (let index = 0; index < 3; index++) await submit();
    const first = (await json('/runs?page_size=2')).body;
    expect(first.runs).toHaveLength(2);
    expect(first.next_page_token).not.toBe('');
    const second = (await json(`/runs?page_size=2&page_token=${first.next_page_token}`)).body;
    expect(second.runs).toHaveLength(1);
    expect(second.next_page_token).toBe('');
  });
  it('rejects bad submissions with 400 {msg,status_code}', async () => {
    await start();
    const cases: [Record<string, string>, RegExp][] = [
      [{ ...CWL, workflow_params: '{bad' }, /workflow_params is not valid JSON/],
      [{ ...CWL, workflow_type: 'cwl' }, /workflow_type cwl is not supported/],
      [{ ...CWL, workflow_type_version: 'v1.1' }, /v1.1 is not supported/],
      [{ ...CWL, tags: '[1' }, /tags/],
    ];
    for (const [fields, pattern] of cases) {
      const response = await submit(fields);
      expect(response.status).toBe(400);
      const body = (await response.json()) as { msg: string; status_code: number };
      expect(body.status_code).toBe(400);
      expect(body.msg).toMatch(pattern);
    }
    const climbing = await submit(CWL, [...ATTACHED, { name: '../evil.txt', content: 'x' }]);
    expect(climbing.status).toBe(400);
    expect(emulator.runs).toHaveLength(0);
  });
  it('fails a run whose attached VCF is not gzip or has no records', async () => {
    await start();
    const { run_id } = (await (await submit(CWL, [ATTACHED[0], { name: 's1.vcf.gz', content: 'plain text' }])).json()) as { run_id: string };
    const { run_id: empty } = (await (await submit(CWL, [ATTACHED[0], { name: 's1.vcf.gz', content: gzipSync('##only\n#CHROM\n') }])).json()) as { run_id: string };
    clock.advance(PAST_FAST);
    // the workflow finds out: the runs end once it has read the inputs
    await until(() => [run_id, empty].every((id) => emulator.run(id)?.state !== 'RUNNING'), 'the workflows to read their inputs');
    expect(emulator.run(run_id)?.state).toBe('EXECUTOR_ERROR');
    expect(emulator.run(empty)?.state).toBe('EXECUTOR_ERROR');
  });
  it('streams a large attachment to disk', async () => {
    await start();
    const big = Buffer.alloc(24 * 1024 * 1024, 7);
    const response = await submit(CWL, [...ATTACHED, { name: 'data/big.bin', content: big }]);
    expect(response.status).toBe(200);
    const stored = emulator.runs[0].attachments.find((file) => file.name === 'data/big.bin')!;
    expect(stored.size).toBe(big.length);
    expect(existsSync(stored.path)).toBe(true);
  });
  it('cancel: CANCELING then CANCELED; scripts; unknown run 404 {msg,status_code}', async () => {
    await start({ timing: { queuedMs: 5, initializingMs: 5, runningMs: 10_000 } });
    const { run_id } = (await (await submit()).json()) as { run_id: string };
    expect((await json(`/runs/${run_id}/cancel`, { method: 'POST' })).body).toEqual({ run_id });
    expect(emulator.run(run_id)?.state).toBe('CANCELING');
    clock.advance(5);
    expect(emulator.run(run_id)?.state).toBe('CANCELED');
    emulator.scriptNext({ state: 'SYSTEM_ERROR' });
    emulator.scriptNext({ hang: true });
    const a = ((await (await submit()).json()) as { run_id: string }).run_id;
    const b = ((await (await submit()).json()) as { run_id: string }).run_id;
    emulator.setState(b, 'PAUSED');
    expect(emulator.run(b)?.state).toBe('PAUSED');
    expect(emulator.run(a)?.state).not.toBe('SYSTEM_ERROR');
    const missing = await json('/runs/nope');
    expect(missing).toMatchObject({ status: 404, body: { msg: expect.stringMatching(/not found/), status_code: 404 } });
  });
  it('requires the bearer token when configured and can echo request headers', async () => {
    await start({ token: 'secret-token-123', echoRequestsInErrors: true });
    expect((await json('/service-info')).status).toBe(401);
    const wrong = await json('/service-info', { headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(403);
    expect(JSON.stringify(wrong.body)).toContain('Bearer nope');
    expect((await json('/service-info', { headers: { authorization: 'Bearer secret-token-123' } })).status).toBe(200);
  });
  it('1.1.0: tasks endpoint and engine fields; 1.0.0 has no tasks', async () => {
    await start({ version: '1.1.0' });
    const { run_id } = (await (await submit({ ...CWL, workflow_engine: 'cwltool', workflow_engine_version: '3.1' })).json()) as { run_id: string };
    expect(emulator.run(run_id)?.request.workflow_engine).toBe('cwltool');
    expect((await submit({ ...CWL, workflow_engine: 'toil' })).status).toBe(400);
    clock.advance(PAST_FAST);
    const tasks = (await json(`/runs/${run_id}/tasks`)).body;
    expect(tasks.task_logs).toHaveLength(4);
    expect(tasks.next_page_token).toBe('');
    await emulator.close();
    await start();
    const other = ((await (await submit()).json()) as { run_id: string }).run_id;
    expect((await json(`/runs/${other}/tasks`)).status).toBe(404);
  });
  it('injects faults through the shared helper', async () => {
    await start({ faults: { rate: 1, kinds: ['503'] } });
    expect((await fetch(`${emulator.apiRoot}/service-info`)).status).toBe(503);
    emulator.setFaults(undefined);
    expect((await fetch(`${emulator.apiRoot}/service-info`)).status).toBe(200);
    expect(emulator.requests.map((request) => [request.route, request.status])).toEqual([['/service-info', 503], ['/service-info', 200]]);
  });
});

describe('reference flavor (workflow-service)', () => {
  it('lists under `workflows` ignoring page_size; unknown id RUNNING on /status but 404 on GET', async () => {
    await start({ flavor: 'reference' });
    for (let index = 0; index < 3; index++) await submit();
    const list = (await json('/runs?page_size=1')).body;
    expect(list.workflows).toHaveLength(3);
    expect(list.runs).toBeUndefined();
    expect((await json('/runs/unknown/status')).body).toEqual({ run_id: 'unknown', state: 'RUNNING' });
    const missing = await json('/runs/unknown');
    expect(missing.status).toBe(404);
    expect(missing.type).toBe('application/problem+json');
  });
  it('bad submissions → 500 problem+json; cancel is a no-op; stderr holds text; times are ""', async () => {
    await start({ flavor: 'reference', timing: { queuedMs: 5, initializingMs: 5, runningMs: 30 } });
    const bad = await submit({ ...CWL, workflow_params: 'nope' });
    expect(bad.status).toBe(500);
    expect(bad.headers.get('content-type')).toBe('application/problem+json');
    expect(await bad.json()).toMatchObject({ type: expect.any(String), title: expect.any(String), status: 500, detail: expect.stringMatching(/workflow_params/) });
    emulator.scriptNext({ fail: 'imputation step crashed' });
    const { run_id } = (await (await submit()).json()) as { run_id: string };
    expect((await json(`/runs/${run_id}/cancel`, { method: 'POST' })).status).toBe(200);
    clock.advance(40);
    const { body } = await json(`/runs/${run_id}`);
    expect(body.state).toBe('EXECUTOR_ERROR');
    expect(body.run_log.stderr).toMatch(/imputation step crashed/);
    expect(body.run_log.start_time).toBe('');
    expect(body.run_log.end_time).toBe('');
  });
  it('restartServer ends runs in flight as EXECUTOR_ERROR', async () => {
    await start({ flavor: 'reference', timing: { queuedMs: 5, initializingMs: 5, runningMs: 60_000 } });
    const { run_id } = (await (await submit()).json()) as { run_id: string };
    await emulator.restartServer();
    expect((await json(`/runs/${run_id}/status`)).body.state).toBe('EXECUTOR_ERROR');
  });
});

describe('starter-kit flavor', () => {
  const NF = { workflow_url: 'https://github.com/h3abionet/chipimputation/tree/master', workflow_type: 'NEXTFLOW', workflow_type_version: '21.04.0', workflow_params: '{"input":"https://x.org/s1.vcf.gz"}' };
  it('takes NEXTFLOW by GitHub URL, refuses attachments, Spring error bodies', async () => {
    await start({ flavor: 'starter-kit' });
    const local = await submit({ ...NF, workflow_url: 'main.nf' }, []);
    expect(local.status).toBe(400);
    expect(await local.json()).toMatchObject({ message: expect.any(String), error: 'Bad Request', status: 400, timestamp: expect.any(String), path: '/ga4gh/wes/v1/runs' });
    expect((await submit(NF, [{ name: 'main.nf', content: 'x' }])).status).toBe(400);
    expect((await submit(NF, [])).status).toBe(200);
  });
  it('transient 400 on /status after submit, lists only finished runs, empty cancel body', async () => {
    await start({ flavor: 'starter-kit', statusWarmupMs: 0, timing: { queuedMs: 5, initializingMs: 5, runningMs: 20 } });
    const { run_id } = (await (await submit(NF, [])).json()) as { run_id: string };
    expect((await json(`/runs/${run_id}/status`)).status).toBe(400);
    expect((await json(`/runs/${run_id}/status`)).status).toBe(200);
    emulator.scriptNext({ hang: true });
    const { run_id: hanging } = (await (await submit(NF, [])).json()) as { run_id: string };
    clock.advance(PAST_FAST);
    // the first run ends when its workflow finds no attached VCF to read; the hanging one never ends
    await until(() => emulator.run(run_id)?.state === 'EXECUTOR_ERROR', 'the first run to end');
    expect((await json('/runs')).body.runs.map((run: { run_id: string }) => run.run_id)).toEqual([run_id]);
    const cancel = await fetch(`${emulator.apiRoot}/runs/${hanging}/cancel`, { method: 'POST' });
    expect(cancel.status).toBe(200);
    expect(await cancel.text()).toBe('');
  });
});
