/**
 * One contract, both protocols: every adapter is driven through the same caller-side script against its
 * emulator — check and panels, capabilities as data, submit, find again by child, one list request for many
 * jobs, details to the end, outputs that download through the adapter as its capabilities say (counted, the
 * token only at home), cancel. Protocol quirks are tested in michigan.test.ts and wes.test.ts, the pure
 * modules in michigan-modules.test.ts and wes-modules.test.ts.
 */
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { capabilitiesOf } from '../../src/adapters/capabilities.js';
import { createMichiganAdapter } from '../../src/adapters/michigan/index.js';
import type { ImputationAdapter, SubmitRequest } from '../../src/adapters/types.js';
import { createWesAdapter } from '../../src/adapters/wes/index.js';
import { startMichiganEmulator } from '../../src/sandbox/michigan/index.js';
import { startWesEmulator } from '../../src/sandbox/wes/index.js';
import { generateVcf } from '../../src/vcf/generate.js';
import { FakeClock } from '../helpers/harness.js';
import { until } from '../helpers/until.js';

const dir = mkdtempSync(join(tmpdir(), 'fedimpute-contract-'));
const cwl = join(dir, 'impute.cwl');
writeFileSync(cwl, 'cwlVersion: v1.2\n');
const HTTP = { retries: 3, baseDelayMs: 1, maxDelayMs: 5 };

interface Subject {
  adapter: ImputationAdapter;
  /** requests the emulator saw, as "METHOD path" */
  requests: () => string[];
  /** is this request the protocol's "list every job" call */
  isList: (request: string) => boolean;
  /** the header the service's token travels in */
  tokenHeader: string;
  /** the emulator's time, moved on by the test */
  clock: FakeClock;
  close: () => Promise<void>;
}

const subjects: Record<string, () => Promise<Subject>> = {
  michigan: async () => {
    const clock = new FakeClock();
    const emulator = await startMichiganEmulator({ timing: { queuedMs: 100, runningMs: 150, exportingMs: 20 }, clock: clock.emulators });
    const adapter = createMichiganAdapter(
      {
        id: 1, slug: 'mich', name: 'Michigan emulator', type: 'michigan', base_url: emulator.url, token: { kind: 'env', variable: 'T' },
        max_samples: 50_000, source: { file: 'services.yaml', index: 0 },
        panels: [{ id: 37, name: 'H3Africa v6', remote_id: 'apps@h3africa-v6hc-s@1.0.0', build: 'hg38', populations: ['afr', 'mixed', 'off'] }],
      },
      { token: emulator.tokenFor('alice'), http: HTTP },
    );
    return {
      adapter,
      requests: () => emulator.requests.map((request) => `${request.method} ${request.path}`),
      isList: (request) => request === 'GET /api/v2/jobs',
      tokenHeader: 'x-auth-token',
      clock,
      close: () => emulator.close(),
    };
  },
  wes: async () => {
    const clock = new FakeClock();
    const emulator = await startWesEmulator({ token: 'wes-contract-token', timing: { queuedMs: 100, initializingMs: 20, runningMs: 150 }, clock: clock.emulators });
    const adapter = createWesAdapter(
      {
        id: 2, slug: 'wes', name: 'WES emulator', type: 'wes', base_url: emulator.url, api_prefix: '/ga4gh/wes/v1', token: { kind: 'env', variable: 'T' },
        source: { file: 'services.yaml', index: 1 },
        workflow: { url: 'impute.cwl', type: 'CWL', version: 'v1.2', attachments: [cwl], engine_parameters: {} },
        input: { mode: 'attachment' },
        params: { target_vcf: { class: 'File', path: '{{input}}' }, job: '{{job_id}}' },
        outputs: { include: ['**/*.dose.vcf.gz', '**/*.info.gz'], local_roots: [] },
        panels: [{ id: 39, name: '1000G', build: 'hg38', populations: [], params: {} }],
      },
      { token: 'wes-contract-token', http: HTTP },
    );
    return {
      adapter,
      requests: () => emulator.requests.map((request) => `${request.method} ${request.path}`),
      isList: (request) => request === 'GET /ga4gh/wes/v1/runs',
      tokenHeader: 'authorization',
      clock,
      close: () => emulator.close(),
    };
  },
};

let current: Subject | undefined;
afterEach(async () => {
  await current?.close();
  current = undefined;
});

async function request(child: string, panelId: number): Promise<SubmitRequest> {
  const path = join(dir, `${child}.vcf.gz`);
  await generateVcf(path, { samples: 24, chromosomes: ['20'], recordsPerChromosome: 50, chrPrefix: true });
  return {
    parentId: 'parent-contract', childId: child, jobName: `contract [${child}]`, files: [{ path, name: `${child}.vcf.gz`, size: statSync(path).size }],
    panelId, build: 'hg38', phasing: 'eagle', mode: 'imputation', population: 'off', password: 'Contract0Password0Abc',
  };
}

describe.each(Object.keys(subjects))('adapter contract: %s', (name) => {
  const panelId = name === 'michigan' ? 37 : 39;

  test('check: reachable, token accepted, no problems; panels listed; the capabilities are capabilitiesOf(service)', async () => {
    current = await subjects[name]();
    const check = await current.adapter.check();
    expect(check).toMatchObject({ reachable: true, problems: [] });
    expect(check.tokenValid).not.toBe(false);
    expect(check.version).toBeTruthy();
    expect((await current.adapter.panels()).length).toBeGreaterThan(0);
    expect(current.adapter.capabilities).toEqual(capabilitiesOf(current.adapter.service));
  });

  test('submit, find again by child, many statuses in one list request, details to completion, outputs that download', async () => {
    current = await subjects[name]();
    const { adapter } = current;
    const ids: string[] = [];
    for (const child of ['child-a', 'child-b']) {
      const outcome = await adapter.submit(await request(child, panelId));
      expect(outcome.kind).toBe('submitted');
      ids.push((outcome as { remoteId: string }).remoteId);
    }
    expect(await adapter.findByChild('child-b', 'parent-contract')).toBe(ids[1]);
    expect(await adapter.findByChild('child-never', 'parent-contract')).toBeNull();

    const before = current.requests().length;
    const states = await adapter.statusMany(ids);
    const made = current.requests().slice(before);
    expect(made.filter(current.isList)).toHaveLength(1);
    expect([...states.keys()].sort()).toEqual([...ids].sort());
    for (const state of states.values()) expect(state.status).toBe('queued');

    let state = await adapter.details(ids[0]);
    // 50 ms of the server's time per look, until the job's timeline and its real work are both done
    await until(async () => {
      expect(state.status === null || ['queued', 'running'].includes(state.status)).toBe(true);
      current!.clock.advance(50);
      state = await adapter.details(ids[0]);
      return state.status === 'completed';
    }, 'the job to complete');
    expect(state).toMatchObject({ remoteId: ids[0], status: 'completed' });
    expect((await adapter.status(ids[0])).status).toBe('completed');

    const outputs = await adapter.outputs(ids[0]);
    const http = outputs.filter((output) => output.scheme === 'http');
    expect(http.length).toBeGreaterThan(0);
    // the adapter downloads as its protocol wants: the token where the service wants it, counted when it counts
    const response = await adapter.download(http[0]);
    expect(response.status).toBe(200);
    let bytes = 0;
    for await (const chunk of response.body) bytes += (chunk as Buffer).length;
    expect(bytes).toBeGreaterThan(0);
    if (adapter.capabilities.countedDownloads) {
      const after = (await adapter.outputs(ids[0])).find((output) => output.name === http[0].name)!;
      expect(after.downloadsLeft).toBe(http[0].downloadsLeft! - 1);
    }
    const missing = await adapter.download({ ...http[0], url: `${http[0].url}-missing` });
    expect(missing.status).toBeGreaterThanOrEqual(400);
    await missing.text();
  });

  test('download: the token never goes to another origin', async () => {
    current = await subjects[name]();
    const seen: IncomingHttpHeaders[] = [];
    const elsewhere = createServer((request, response) => (seen.push(request.headers), response.end('result bytes')));
    await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}/results/chr20.dose.vcf.gz`;
      const response = await current.adapter.download({ name: 'chr20.dose.vcf.gz', url, scheme: 'http' });
      expect([response.status, await response.text()]).toEqual([200, 'result bytes']);
      expect(seen).toHaveLength(1);
      expect(seen[0]).not.toHaveProperty(current.tokenHeader);
    } finally {
      elsewhere.closeAllConnections();
      await new Promise((resolve) => elsewhere.close(resolve));
    }
  });

  test('cancel: a waiting job is canceled or its cancel requested; a finished one is said to be finished', async () => {
    current = await subjects[name]();
    const { adapter } = current;
    const outcome = await adapter.submit(await request('child-c', panelId));
    const id = (outcome as { remoteId: string }).remoteId;
    // a server whose cancel may be a no-op only promises to have been asked
    expect(adapter.capabilities.cancelMayBeNoop ? ['canceled', 'requested'] : ['canceled']).toContain((await adapter.cancel(id)).kind);
    const finished = (await adapter.submit(await request('child-d', panelId))) as { remoteId: string };
    await until(async () => {
      current!.clock.advance(50);
      return (await adapter.status(finished.remoteId)).status === 'completed';
    }, 'the second job to complete');
    // a finished job: the server says so, or (cancel may be a no-op) only accepts the request
    expect(adapter.capabilities.cancelMayBeNoop ? ['already-finished', 'requested'] : ['already-finished']).toContain((await adapter.cancel(finished.remoteId)).kind);
  });
});
