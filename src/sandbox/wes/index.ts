/**
 * An in-memory GA4GH WES server for tests and `fedimpute sandbox`, emulating the spec, the reference
 * server (common-workflow-language/workflow-service) and the GA4GH starter kit with their quirks
 * (protocols/wes.md). Loopback only; state advances lazily with its clock (clock.ts: the wall clock unless a
 * test gives its own); one timer per run starts its workflow.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { wallClock } from '../clock.js';
import { createFaultInjector } from '../faults.js';
import { worldFor } from '../world/cache.js';
import { TINY_WORLD } from '../world/spec.js';
import type { Settings } from './flavor.js';
import { deleteOutputFile, stateOf, TERMINAL_STATES, type Run } from './runs.js';
import { createHandler, type EmulatorContext } from './server.js';
import type { RunInfo, WesEmulator, WesEmulatorOptions } from './types.js';

export type * from './types.js';

const DEFAULT_TYPES = { CWL: ['v1.0', 'v1.2'], NEXTFLOW: ['21.04.0'] };
const DEFAULT_ENGINES = { cwltool: ['3.1'], nextflow: ['21.04.0'] };

export async function startWesEmulator(options: WesEmulatorOptions = {}): Promise<WesEmulator> {
  const flavor = options.flavor ?? 'spec';
  const version = options.version ?? '1.0.0';
  const apiPrefix = (options.apiPrefix ?? '/ga4gh/wes/v1').replace(/\/+$/, '');
  const workDir = mkdtempSync(join(tmpdir(), 'fedimpute-wes-'));
  const settings: Settings = {
    flavor,
    version,
    workflowTypeVersions: options.workflowTypeVersions ?? DEFAULT_TYPES,
    workflowEngineVersions: options.workflowEngineVersions ?? DEFAULT_ENGINES,
    acceptAttachments: options.acceptAttachments ?? flavor !== 'starter-kit',
    echoRequestsInErrors: options.echoRequestsInErrors ?? false,
  };
  let url = '';
  const context: EmulatorContext = {
    settings,
    timing: { queuedMs: 30, initializingMs: 30, runningMs: 90, ...options.timing },
    clock: options.clock ?? wallClock,
    apiPrefix,
    token: options.token,
    outputs: options.outputs ?? 'http',
    pageSize: options.pageSize ?? 50,
    maxPageSize: options.maxPageSize ?? Number.POSITIVE_INFINITY,
    statusWarmupMs: options.statusWarmupMs ?? 100,
    runs: new Map<string, Run>(),
    requests: [],
    faults: createFaultInjector(options.faults),
    scripts: [],
    runsDir: join(workDir, 'runs'),
    workflow: { world: options.world ?? worldFor(TINY_WORLD), worldPanel: options.worldPanel ?? 'B' },
    started: new Set(),
    baseUrl: () => url,
  };
  const handler = createHandler(context);
  const makeServer = (): Server => (options.tls ? createHttpsServer(options.tls, handler) : createHttpServer(handler));
  let server = makeServer();
  const port = await listen(server, options.port ?? 0);
  url = `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`;

  const get = (runId: string): Run => {
    const run = context.runs.get(runId);
    if (!run) throw new Error(`WES emulator: no run ${runId}`);
    return run;
  };
  const info = (run: Run): RunInfo => ({
    run_id: run.id,
    state: stateOf(run, context.timing, context.clock.now()),
    request: run.request,
    attachments: run.attachments.map((file) => ({ ...file })),
    createdAt: run.createdAt,
  });

  return {
    url,
    apiRoot: url + apiPrefix,
    flavor,
    version,
    token: options.token,
    requests: context.requests,
    get runs() {
      return [...context.runs.values()].map(info);
    },
    run: (runId) => {
      const run = context.runs.get(runId);
      return run ? info(run) : undefined;
    },
    setFaults(faults) {
      context.faults = createFaultInjector(faults);
    },
    setState(runId, state) {
      get(runId).forced = { state, at: context.clock.now() };
    },
    scriptNext(outcome) {
      context.scripts.push(outcome);
    },
    forgetRun(runId) {
      context.runs.delete(runId);
    },
    async restartServer() {
      await stop(server);
      const now = context.clock.now();
      for (const run of context.runs.values()) {
        if (!TERMINAL_STATES.has(stateOf(run, context.timing, now))) {
          run.forced = { state: 'EXECUTOR_ERROR', at: now, message: 'workflow interrupted by a server restart' };
        }
      }
      server = makeServer();
      await listen(server, port);
    },
    expectedOutputs(runId) {
      const run = get(runId);
      if (stateOf(run, context.timing, context.clock.now()) !== 'COMPLETE') throw new Error(`WES emulator: run ${runId} is not COMPLETE`);
      return new Map(run.outputs);
    },
    deleteOutput(runId, name) {
      deleteOutputFile(get(runId), name);
    },
    async close() {
      await stop(server);
      for (const run of context.started) run.stopWorkflow?.();
      await Promise.allSettled([...context.started].map((run) => run.workflow));
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function stop(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
