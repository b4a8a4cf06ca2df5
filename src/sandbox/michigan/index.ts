/**
 * An in-memory Cloudgene 3 + imputationserver2 server for tests, benchmarks and `fedimpute sandbox`.
 * Follows /work/shared/protocols/michigan.md, quirks included (`maintenace`, GET cancel, deferred validation,
 * download counters, plain-text 400s).
 */
import { copyFile, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { wallClock } from '../clock.js';
import { createFaultInjector } from '../faults.js';
import { worldFor } from '../world/cache.js';
import { TINY_WORLD } from '../world/spec.js';
import { TokenAuthority } from './auth.js';
import type { Context } from './context.js';
import { JobStore } from './jobs.js';
import { DEFAULT_PANELS } from './panels.js';
import { createServer, type Front } from './server.js';
import type { JobView, MichiganEmulator, MichiganEmulatorOptions } from './types.js';

export type * from './types.js';
export { createVcf, type VcfFixtureOptions } from './fixtures.js';

const DAY = 24 * 60 * 60 * 1000;

export async function startMichiganEmulator(options: MichiganEmulatorOptions = {}): Promise<MichiganEmulator> {
  const prefix = (options.pathPrefix ?? '').replace(/\/+$/, '');
  const panels = options.panels ?? DEFAULT_PANELS;
  const timing = { queuedMs: 30, runningMs: 150, exportingMs: 30, filesDelayMs: 0, ...options.timing };
  const clock = options.clock ?? wallClock;
  const auth = new TokenAuthority(clock);
  const users = options.users ?? [{ username: 'alice' }];
  for (const user of users) {
    if (!user.token) auth.issue(user.username, user.expiresAt);
  }
  const fixedTokens = new Map(users.filter((user) => user.token).map((user) => [user.token!, user.username]));
  const tmp = await mkdtemp(join(tmpdir(), 'fedimpute-michigan-'));
  const context: Context = {
    options: { ...options, timing },
    prefix,
    tmp,
    auth,
    clock,
    store: new JobStore({
      clock, timing, panels, retentionMs: options.retentionMs ?? 7 * DAY, maxSamples: options.maxSamples ?? 50_000,
      maxRecords: options.maxValidatedRecords ?? 100_000, downloadLimit: options.downloadLimit ?? 10,
      syntheticResultBytes: options.syntheticResultBytes,
      imputation: { world: options.world ?? worldFor(TINY_WORLD), worldPanel: options.worldPanel ?? 'A', panels, appVersion: options.appVersion ?? '2.0.12' },
    }),
    settings: {
      maxJobsPerUser: options.maxJobsPerUser ?? 2, panels, appVersion: options.appVersion ?? '2.0.12',
      uploadLimit: options.uploadLimit ?? 5000 * 1024 * 1024, echoRequestsInErrors: options.echoRequestsInErrors ?? false,
      maintenance: options.maintenance ?? false, chunked: options.chunked ?? true, redirectDownloads: options.redirectDownloads ?? false,
      paginateUnpaged: options.paginateUnpaged ?? false, submitErrorsAsJson: options.submitErrorsAsJson ?? false,
      users: new Map(users.map((user) => [user.username, { name: user.username[0].toUpperCase() + user.username.slice(1), mail: `${user.username}@example.org` }])),
    },
  };
  // fixed tokens given in the options are accepted as they are
  const check = auth.check.bind(auth);
  auth.check = (token) => (token && fixedTokens.has(token) ? { kind: 'valid', username: fixedTokens.get(token)!, expiresAt: clock.now() + 30 * DAY } : check(token));
  const front: Front = { context, requests: [], faults: { injector: createFaultInjector(options.faults) } };
  const server: Server = createServer(front, options.tls);
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const store = context.store;
  const need = (jobId: string) => {
    const job = store.find(jobId);
    if (!job) throw new Error(`no job ${jobId}`);
    return job;
  };

  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}${prefix}`,
    port,
    requests: front.requests,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.allSettled(store.jobs.flatMap((job) => [job.imputed, job.results]));
      await rm(tmp, { recursive: true, force: true });
    },
    tokenFor: (username) => fixedTokenOf(username) ?? auth.tokenFor(username),
    issueToken: (username, issue) => auth.issue(username, issue?.expiresAt),
    revokeToken: (token) => {
      fixedTokens.delete(token);
      auth.revoke(token);
    },
    get jobs(): JobView[] {
      return store.jobs.map((job) => ({
        id: job.id, name: job.name, user: job.user, state: job.state, password: job.password, params: { ...job.params },
        files: job.files.map((file) => ({ name: file.name, bytes: file.bytes })),
      }));
    },
    setFaults: (faults) => (front.faults.injector = createFaultInjector(faults)),
    setMaintenance: (on) => (context.settings.maintenance = on),
    async setState(jobId, state) {
      const job = need(jobId);
      job.pinned = job.state = state;
      if (state >= 4 && !job.endTime) job.endTime = clock.now();
      if (state === 8 || state === 9) job.deletedOn = job.endTime + (options.retentionMs ?? 7 * DAY);
      if (state === 7 || state === 10) for (const output of job.outputs) output.gone = true;
      await store.refresh(job);
    },
    restartServer: () => store.restartServer(),
    scriptNext: (outcome) => void store.scripts.push(outcome),
    async expectedResults(jobId) {
      const job = need(jobId);
      await store.refresh(job);
      await job.results;
      return new Map(job.expected);
    },
    deleteOutputFile(jobId, name) {
      const output = need(jobId).outputs.find((file) => file.name === name);
      if (output) output.gone = true;
    },
    async replaceOutputFile(jobId, name, content) {
      const job = need(jobId);
      await store.refresh(job);
      await job.results;
      const output = job.outputs.find((file) => file.name === name);
      if (!output) throw new Error(`job ${jobId} has no output ${name}`);
      if (content instanceof Uint8Array) await writeFile(output.path, content);
      else await copyFile(content.path, output.path);
      output.bytes = (await stat(output.path)).size;
    },
  };

  function fixedTokenOf(username: string): string | undefined {
    return users.find((user) => user.username === username && user.token && fixedTokens.has(user.token))?.token;
  }
}
